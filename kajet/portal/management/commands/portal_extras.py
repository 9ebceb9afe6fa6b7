"""The operator's extras plan: show it, turn it on or off, issue activation codes, and send
the "trial ends" e-mails due today (for cron where Celery beat does not run)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kajet.portal.extras import (
    ExtrasError,
    extras_codes_issue,
    extras_plan_current,
    extras_plan_off,
    extras_plan_set,
    extras_trial_warnings_send,
)
from kajet.portal.models import ExtrasPlan


class Command(BaseCommand):
    help = "Show, define or end the extras plan; issue activation codes; send trial e-mails."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", action="store_true", help="define the plan (turns it on)")
        parser.add_argument(
            "--features", default="push", help=f"comma-separated: {', '.join(ExtrasPlan.FEATURES)}"
        )
        parser.add_argument("--trial-days", type=int, default=30)
        parser.add_argument("--warn-days", type=int, default=7, help="the e-mail N days before")
        parser.add_argument("--off", action="store_true", help="end the plan: all extras free")
        parser.add_argument("--codes", type=int, default=0, help="print N new activation codes")
        parser.add_argument("--send-warnings", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["on"] and options["off"]:
            raise CommandError("--on or --off, not both")
        try:
            if options["on"]:
                extras_plan_set(
                    features=[f.strip() for f in options["features"].split(",") if f.strip()],
                    trial_days=options["trial_days"],
                    warn_days=options["warn_days"],
                )
        except ExtrasError as error:
            raise CommandError(str(error)) from error
        if options["off"]:
            extras_plan_off()
        for code in extras_codes_issue(count=options["codes"]) if options["codes"] > 0 else []:
            self.stdout.write(code)
        if options["send_warnings"]:
            self.stdout.write(f"{extras_trial_warnings_send()} trial e-mail(s) sent")
        plan = extras_plan_current()
        if plan is None:
            self.stdout.write("no extras plan: every extra is free")
        else:
            self.stdout.write(
                f"extras plan: {', '.join(plan.features)}; trial {plan.trial_days} days; "
                f"e-mail {plan.warn_days} days before its end"
            )
