"""Messages API: folders with counts, lists per folder, reading (records the read), sending
(JSON or multipart with attachments), moving, deleting, the recipient groups a user may write
to, and read receipts for the sender. Same access helpers, selectors and services as the
pages (kajet.messaging)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from kajet.api.base import AuthedAPIRequest, ScopedAPIView
from kajet.api.fields import IdField, IdListField
from kajet.api.parsers import FormParser, JSONParser, MultiPartParser
from kajet.api.serializers import ErrorOutput
from kajet.messaging import access, selectors, services
from kajet.messaging.models import Folder

# --- Serializers (input and output apart) ----------------------------------------------------


class PersonOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="full_name")


class FolderOutput(serializers.Serializer):
    folder = serializers.CharField()
    name = serializers.CharField()
    total = serializers.IntegerField()
    unread = serializers.IntegerField()


class MessageBriefOutput(serializers.Serializer):
    id = serializers.IntegerField(source="message_id")
    folder = serializers.CharField()
    is_sender_copy = serializers.BooleanField()
    is_unread = serializers.BooleanField()
    first_read_at = serializers.DateTimeField(allow_null=True)
    subject = serializers.CharField(source="message.subject")
    sender = PersonOutput(source="message.sender")
    recipients_label = serializers.CharField(source="message.recipients_label")
    recipient_count = serializers.IntegerField(source="message.recipient_count")
    read_count = serializers.IntegerField(source="message.read_count")
    attachment_count = serializers.IntegerField(source="message.attachment_count")
    created_at = serializers.DateTimeField(source="message.created_at")
    concerns_student_id = IdField(source="message.concerns_student_id", allow_null=True)


class MessagePageOutput(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = MessageBriefOutput(many=True)


class AttachmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()


class MessageOutput(MessageBriefOutput):
    body = serializers.CharField(source="message.body")
    reply_to_id = IdField(source="message.reply_to_id", allow_null=True)
    forward_of_id = IdField(source="message.forward_of_id", allow_null=True)
    attachments = AttachmentOutput(many=True, source="message.attachments.all")


class ReceiptOutput(serializers.Serializer):
    recipient = PersonOutput(source="owner")
    first_read_at = serializers.DateTimeField(allow_null=True)


class ReceiptsOutput(serializers.Serializer):
    recipient_count = serializers.IntegerField()
    read_count = serializers.IntegerField()
    receipts = ReceiptOutput(many=True)


class SendInput(serializers.Serializer):
    recipients = serializers.ListField(child=serializers.CharField(max_length=40), max_length=500)
    subject = serializers.CharField(allow_blank=True, trim_whitespace=False)
    body = serializers.CharField(allow_blank=True, trim_whitespace=False)
    concerns_student = serializers.IntegerField(required=False, allow_null=True)
    reply_to = serializers.IntegerField(required=False, allow_null=True)
    forward_of = serializers.IntegerField(required=False, allow_null=True)
    idempotency_key = serializers.UUIDField(required=False, allow_null=True)
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, max_length=20
    )

    def draft(self) -> services.MessageDraft:
        """The validated input as the draft the pages send too (``message_send_draft``)."""
        v = self.validated_data
        return services.MessageDraft(
            recipients=v["recipients"],
            subject=v["subject"],
            body=v["body"],
            attachments=v.get("attachments") or (),
            concerns_student_id=v.get("concerns_student"),
            reply_to_id=v.get("reply_to"),
            forward_of_id=v.get("forward_of"),
            idempotency_key=v.get("idempotency_key"),
        )


class SendOutput(serializers.Serializer):
    id = serializers.IntegerField()
    recipient_count = serializers.IntegerField()


class SendErrorOutput(serializers.Serializer):
    detail = serializers.CharField()
    problems = serializers.ListField(child=serializers.CharField())


class MoveInput(serializers.Serializer):
    ids = IdListField(min_length=1, max_length=500)
    to = serializers.ChoiceField(choices=list(services.MOVE_TARGETS))


class CountOutput(serializers.Serializer):
    count = serializers.IntegerField()


class OptionOutput(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField(source="label")
    hint = serializers.CharField()


class OptionGroupOutput(serializers.Serializer):
    name = serializers.CharField(source="label")
    people = serializers.BooleanField()
    options = OptionOutput(many=True)


# --- Views ---------------------------------------------------------------------------------


class FoldersView(ScopedAPIView):
    @extend_schema(responses=FolderOutput(many=True), summary="Message folders with counts")
    def get(self, request: AuthedAPIRequest) -> Response:
        user = request.user
        access.require(user, "message.read")
        counts = selectors.folder_counts(user)
        rows = [{"folder": f.value, "name": str(f.label), **counts[f.value]} for f in Folder]
        return Response(FolderOutput(rows, many=True).data)


class FolderView(ScopedAPIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="search subject, text and sender"),
            OpenApiParameter("page", int),
        ],
        responses={200: MessagePageOutput, 404: ErrorOutput},
        summary="Messages in one folder (newest first, 25 a page)",
    )
    def get(self, request: AuthedAPIRequest, folder: str) -> Response:
        user = request.user
        access.require(user, "message.read")
        if folder not in Folder.values:
            raise Http404
        page = selectors.folder_page(
            user,
            folder,
            query=request.query_params.get("q", "")[:100],
            page=request.query_params.get("page", 1),
        )
        payload = {
            "count": page.paginator.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "results": list(page.object_list),
        }
        return Response(MessagePageOutput(payload).data)


class MessageView(ScopedAPIView):
    @extend_schema(
        responses={200: MessageOutput, 404: ErrorOutput},
        summary="Read a message (records the first read for a recipient)",
    )
    def get(self, request: AuthedAPIRequest, message_id: int) -> Response:
        user = request.user
        copy = access.access_copy(user, message_id)
        copy = services.message_open(user=user, copy=copy)
        return Response(MessageOutput(copy).data)

    @extend_schema(
        request=None,
        responses={204: None, 404: ErrorOutput},
        summary="Delete the user's own copy (read receipts stay)",
    )
    def delete(self, request: AuthedAPIRequest, message_id: int) -> Response:
        user = request.user
        copy = access.access_copy(user, message_id)
        services.deliveries_delete(user=user, message_ids=[copy.message_id])
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReceiptsView(ScopedAPIView):
    @extend_schema(
        responses={200: ReceiptsOutput, 404: ErrorOutput},
        summary="Read status per recipient (for the sender only)",
    )
    def get(self, request: AuthedAPIRequest, message_id: int) -> Response:
        user = request.user
        copy = access.access_copy(user, message_id)
        if not copy.is_sender_copy:
            raise Http404
        msg = copy.message
        payload = {
            "recipient_count": msg.recipient_count,
            "read_count": msg.read_count,
            "receipts": selectors.read_receipts(msg.pk),
        }
        return Response(ReceiptsOutput(payload).data)


class SendView(ScopedAPIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request={"application/json": SendInput, "multipart/form-data": SendInput},
        responses={201: SendOutput, 400: SendErrorOutput},
        summary="Send a message",
        description=(
            "`recipients` are keys from the recipient groups endpoint (`person:17`, "
            "`class_guardians:4`, …). Anything the user may not write to is refused with 400 "
            "and nothing is sent. The same `idempotency_key` sends once."
        ),
    )
    def post(self, request: AuthedAPIRequest) -> Response:
        user = request.user
        access.require(user, "message.write")
        data: Any = request.data
        if hasattr(data, "getlist"):
            raw = {k: data.get(k) for k in data if k not in ("recipients", "attachments")}
            raw["recipients"] = data.getlist("recipients")
            raw["attachments"] = data.getlist("attachments")
            data = {k: v for k, v in raw.items() if v not in ("", None)}
        form = SendInput(data=data)
        if not form.is_valid():
            errors = [f"{k}: {' '.join(map(str, v))}" for k, v in form.errors.items()]
            return Response(
                {"detail": errors[0], "problems": errors}, status=status.HTTP_400_BAD_REQUEST
            )
        try:
            message = services.message_send_draft(sender=user, draft=form.draft())
        except Http404:
            return Response(
                {"detail": "Unknown message.", "problems": ["Unknown message."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        except services.IdempotencyConflict as error:
            return Response(
                {"detail": error.messages[0], "problems": error.messages},
                status=status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        except ValidationError as error:
            return Response(
                {"detail": error.messages[0], "problems": error.messages},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(
            {"id": message.pk, "recipient_count": message.recipient_count},
            status=status.HTTP_201_CREATED,
        )


class MoveView(ScopedAPIView):
    @extend_schema(
        request=MoveInput,
        responses={200: CountOutput, 400: ErrorOutput},
        summary="Move the user's own copies to archive or trash, or restore them",
    )
    def post(self, request: AuthedAPIRequest) -> Response:
        user = request.user
        access.require(user, "message.read")
        form = MoveInput(data=request.data)
        form.is_valid(raise_exception=True)
        moved = services.deliveries_move(
            user=user, message_ids=form.validated_data["ids"], to=form.validated_data["to"]
        )
        return Response({"count": moved})


class TrashEmptyView(ScopedAPIView):
    @extend_schema(request=None, responses=CountOutput, summary="Empty the user's trash")
    def post(self, request: AuthedAPIRequest) -> Response:
        user = request.user
        access.require(user, "message.read")
        return Response({"count": services.trash_empty(user=user)})


class RecipientGroupsView(ScopedAPIView):
    @extend_schema(
        responses=OptionGroupOutput(many=True),
        summary="The groups and people the user may write to",
    )
    def get(self, request: AuthedAPIRequest) -> Response:
        user = request.user
        access.require(user, "message.write")
        groups = [g for g in selectors.recipient_options_for(user) if g.options]
        return Response(OptionGroupOutput(groups, many=True).data)


class AttachmentView(ScopedAPIView):
    @extend_schema(
        responses={(200, "application/octet-stream"): bytes, 404: ErrorOutput},
        summary="Download an attachment (sender and recipients only)",
    )
    def get(self, request: AuthedAPIRequest, message_id: int, attachment_id: int) -> Any:
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
        return response
