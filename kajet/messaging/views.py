"""Messaging pages: folders, reading (with receipts), writing, moving, attachments, print and
the class parents' council. Thin: access helper → service → redirect or render."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kajet.accounts.http import AuthedRequest
from kajet.accounts.models import Role, User
from kajet.core.numbers import parse_id
from kajet.messaging import access, selectors, services
from kajet.messaging.models import Delivery, Folder, Message
from kajet.messaging.recipients import may_forward, may_write_to_person
from kajet.school.access import children_of, roles_of

FOLDER_URLS = {"inbox": "inbox", "sent": "sent", "archive": "archive", "trash": "trash"}


def _common(user: User, current: str) -> dict[str, Any]:
    counts = selectors.folder_counts(user)
    folders = [
        {
            "key": f.value,
            "label": f.label,
            "url": reverse(f"messaging:{FOLDER_URLS[f.value]}"),
            "unread": counts[f.value]["unread"] if f.value == Folder.INBOX else 0,
            "current": f.value == current,
        }
        for f in Folder
    ]
    return {
        "folders": folders,
        "homeroom_classes": access.homeroom_classes(user),
    }


@login_required
def folder(request: AuthedRequest, folder: str) -> HttpResponse:
    user = request.user
    access.require(user, "message.read")
    query = request.GET.get("q", "")[:100]
    page = selectors.folder_page(user, folder, query=query, page=request.GET.get("page", 1))
    context = _common(user, folder) | {
        "folder": folder,
        "folder_label": Folder(folder).label,
        "page": page,
        "query": query,
    }
    return render(request, "messaging/folder.html", context)


@login_required
@require_POST
def move(request: AuthedRequest) -> HttpResponse:
    user = request.user
    access.require(user, "message.read")
    ids = [i for v in request.POST.getlist("ids") if (i := parse_id(v)) is not None]
    to = request.POST.get("to", "")
    back = request.POST.get("back", "inbox")
    if back not in FOLDER_URLS:
        back = "inbox"
    if not ids:
        flash.error(request, _("Choose at least one message."))
        return redirect(f"messaging:{back}")
    try:
        moved = services.deliveries_move(user=user, message_ids=ids, to=to)
    except ValidationError as error:
        flash.error(request, " ".join(error.messages))
        return redirect(f"messaging:{back}")
    text = {
        "archive": _("Moved to the archive: %(n)d."),
        "trash": _("Moved to the trash: %(n)d."),
        "restore": _("Restored: %(n)d."),
    }[to]
    flash.success(request, text % {"n": moved})
    if request.POST.get("from_message") and to != "trash":
        return redirect("messaging:message", ids[0])
    return redirect(f"messaging:{back}")


@login_required
@require_POST
def trash_empty(request: AuthedRequest) -> HttpResponse:
    user = request.user
    access.require(user, "message.read")
    count = services.trash_empty(user=user)
    flash.success(request, _("Deleted from the trash: %(n)d.") % {"n": count})
    return redirect("messaging:trash")


@login_required
def message(request: AuthedRequest, message_id: int) -> HttpResponse:
    user = request.user
    copy = access.access_copy(user, message_id)
    copy = services.message_open(user=user, copy=copy)
    return render(request, "messaging/message.html", _message_context(user, copy))


def _message_context(user: User, copy: Delivery) -> dict[str, Any]:
    msg = copy.message
    context = _common(user, copy.folder) | {
        "copy": copy,
        "msg": msg,
        "attachments": list(msg.attachments.all()),
        "can_forward": may_forward(roles_of(user)),
        "receipts": selectors.read_receipts(msg.pk) if copy.is_sender_copy else None,
    }
    return context


@login_required
def message_print(request: AuthedRequest, message_id: int) -> HttpResponse:
    user = request.user
    copy = access.access_copy(user, message_id)
    context = _message_context(user, copy) | {"printed_at": timezone.now()}
    return render(request, "messaging/print.html", context)


@login_required
@require_POST
def mark_unread(request: AuthedRequest, message_id: int) -> HttpResponse:
    user = request.user
    copy = access.access_copy(user, message_id)
    try:
        services.delivery_mark_unread(user=user, copy=copy)
    except ValidationError as error:
        flash.error(request, " ".join(error.messages))
        return redirect("messaging:message", message_id)
    flash.success(request, _("Marked as unread."))
    return redirect("messaging:inbox")


@login_required
def attachment(request: AuthedRequest, message_id: int, attachment_id: int) -> FileResponse:
    user = request.user
    found = access.access_attachment(user, message_id, attachment_id)
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=found.name, content_type=found.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Compose --------------------------------------------------------------------------------


def _quote(msg: Message) -> str:
    when = formats.date_format(timezone.localtime(msg.created_at), "DATETIME_FORMAT")
    lines = "\n".join(f"> {line}" for line in msg.body.splitlines())
    return (
        "\n\n"
        + _("%(name)s wrote on %(when)s:")
        % {
            "name": msg.sender.full_name,
            "when": when,
        }
        + "\n"
        + lines
    )


def _prefill(user: User, request: AuthedRequest) -> dict[str, Any]:
    """A reply, reply-to-all or forward starts from the original message."""
    draft: dict[str, Any] = {"recipients": [], "preset": []}
    for param, mode in (("odpowiedz", "reply"), ("wszystkim", "reply_all"), ("przekaz", "fwd")):
        original = parse_id(request.GET.get(param, ""))
        if original is None:
            continue
        copy = access.access_copy(user, original)
        msg = copy.message
        if mode == "fwd":
            if not may_forward(roles_of(user)):
                raise Http404
            draft |= {
                "subject": f"Fwd: {msg.subject}"[:150],
                "body": _quote(msg),
                "forward_of": msg.pk,
                "forward_msg": msg,
            }
            return draft
        draft |= {
            "subject": (msg.subject if msg.subject.startswith("Re:") else f"Re: {msg.subject}")[
                :150
            ],
            "body": _quote(msg),
            "reply_to": msg.pk,
            "concerns_student": msg.concerns_student_id,
        }
        preset: list[selectors.Option] = []
        if msg.sender_id != user.pk:
            preset.append(selectors.Option(f"person:{msg.sender_id}", msg.sender.full_name))
        if mode == "reply_all":
            writer = selectors.writer_for(user)
            others = list(
                Delivery.objects.filter(message=msg, is_sender_copy=False)
                .exclude(owner_id__in=[user.pk, msg.sender_id])
                .select_related("owner")[:200]
            )
            persons = selectors.persons_for(
                school_id=user.school_id or 0, user_ids=[d.owner_id for d in others]
            )
            for other in others:
                person = persons.get(other.owner_id)
                if person is not None and may_write_to_person(writer, person):
                    preset.append(
                        selectors.Option(f"person:{other.owner_id}", other.owner.full_name)
                    )
        draft["preset"] = preset
        draft["recipients"] = [o.key for o in preset]
        return draft
    preset_key = request.GET.get("do", "")
    if preset_key:
        draft["recipients"] = [preset_key]
    return draft


@login_required
def compose(request: AuthedRequest) -> HttpResponse:
    user = request.user
    access.require(user, "message.write")
    roles = roles_of(user)
    children = children_of(user) if Role.GUARDIAN in roles else []
    children = [c for c in children if c.is_enrolled]
    errors: list[str] = []
    if request.method == "POST":
        post = request.POST
        draft: dict[str, Any] = {
            "subject": post.get("subject", ""),
            "body": post.get("body", ""),
            "recipients": post.getlist("recipients"),
            "idempotency_key": post.get("idempotency_key", ""),
            "concerns_student": parse_id(post.get("concerns_student", "")),
            "reply_to": parse_id(post.get("reply_to", "")),
            "forward_of": parse_id(post.get("forward_of", "")),
            "preset": [],
        }
        try:
            sent = services.message_send_draft(
                sender=user,
                draft=services.MessageDraft(
                    recipients=draft["recipients"],
                    subject=draft["subject"],
                    body=draft["body"],
                    attachments=request.FILES.getlist("attachments"),
                    concerns_student_id=draft["concerns_student"],
                    reply_to_id=draft["reply_to"],
                    forward_of_id=draft["forward_of"],
                    idempotency_key=draft["idempotency_key"] or None,
                ),
            )
        except ValidationError as error:
            errors = list(error.messages)
            if request.FILES:
                errors.append(_("Nothing was sent. Attach the files again."))
        else:
            flash.success(request, _("Message sent."))
            return redirect("messaging:message", sent.pk)
        if draft["reply_to"]:
            # keep the people the reply was addressed to visible in the picker
            ids = [
                i
                for k in draft["recipients"]
                if k.startswith("person:") and (i := parse_id(k[7:])) is not None
            ]
            draft["preset"] = [
                selectors.Option(f"person:{u.pk}", u.full_name)
                for u in User.objects.filter(pk__in=ids, school_id=user.school_id or 0)
            ]
    else:
        draft = _prefill(user, request)
        draft.setdefault("subject", "")
        draft.setdefault("body", "")
        draft["idempotency_key"] = str(uuid.uuid4())
        if len(children) == 1:
            draft.setdefault("concerns_student", children[0].pk)
    if draft.get("forward_of") and "forward_msg" not in draft:
        draft["forward_msg"] = access.access_copy(user, draft["forward_of"]).message
    groups = selectors.recipient_options_for(user)
    preset_keys = {o.key for o in draft.get("preset", [])}
    for group in groups:
        group.options = [o for o in group.options if o.key not in preset_keys]
    selected = set(draft.get("recipients", []))
    open_groups = {g.key for g in groups if any(o.key in selected for o in g.options)}
    context = _common(user, "") | {
        "open_groups": open_groups,
        "draft": draft,
        "groups": [g for g in groups if g.options],
        "selected": selected,
        "children": children,
        "errors": errors,
        "max_files": services_limits()[0],
        "max_mb": services_limits()[1],
    }
    status = 400 if errors else 200
    return render(request, "messaging/compose.html", context, status=status)


def services_limits() -> tuple[int, int]:
    from kajet.messaging.attachments import max_file_bytes, max_files

    return max_files(), max_file_bytes() // (1024 * 1024)


# --- Class parents' council ----------------------------------------------------------------


@login_required
def council_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    access.require(user, "council.manage")
    classes = access.homeroom_classes(user)
    if len(classes) == 1:
        return redirect("messaging:council", classes[0].pk)
    return render(request, "messaging/councils.html", _common(user, "") | {"classes": classes})


@login_required
def council_edit(request: AuthedRequest, class_id: int) -> HttpResponse:
    user = request.user
    school_class = access.access_homeroom_class(user, class_id)
    if request.method == "POST":
        ids = [i for v in request.POST.getlist("guardians") if (i := parse_id(v)) is not None]
        try:
            services.council_set(actor=user, school_class=school_class, guardian_ids=ids)
        except ValidationError as error:
            flash.error(request, " ".join(error.messages))
        else:
            flash.success(request, _("The parents' council has been saved."))
        return redirect("messaging:council", school_class.pk)
    guardians, members = selectors.council_for_class(school_class)
    context = _common(user, "") | {
        "school_class": school_class,
        "guardians": guardians,
        "members": members,
    }
    return render(request, "messaging/council.html", context)
