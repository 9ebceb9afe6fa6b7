"""Input and output serializers, kept apart (HackSoft style)."""

from __future__ import annotations

from rest_framework import serializers


class TokenInput(serializers.Serializer):
    login = serializers.CharField(
        max_length=254, help_text="A school login, or a Kajet account's e-mail address."
    )
    password = serializers.CharField(max_length=256, trim_whitespace=False)
    otp = serializers.CharField(max_length=10, required=False, allow_blank=True)


class ErrorOutput(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False, help_text="`otp`: send the two-factor code")


class SchoolOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ClassOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class StudentBriefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    first_name = serializers.CharField(source="user.first_name")
    last_name = serializers.CharField(source="user.last_name")
    school_class = ClassOutput()
    class_number = serializers.IntegerField()


class GuardianOutput(serializers.Serializer):
    id = serializers.IntegerField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    email = serializers.EmailField()


class StudentOutput(StudentBriefOutput):
    enrolled = serializers.BooleanField(source="is_enrolled")
    guardians = GuardianOutput(many=True, required=False)


class LinkedLoginOutput(serializers.Serializer):
    login = serializers.CharField(help_text="Send it as `X-Kajet-Login` to act as this login.")
    kind = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    school = SchoolOutput(allow_null=True)


class KajetAccountOutput(serializers.Serializer):
    email = serializers.EmailField()
    logins = LinkedLoginOutput(many=True)


class MeOutput(serializers.Serializer):
    # Absent only for a Kajet account's token without X-Kajet-Login (then kajet_account).
    id = serializers.IntegerField(required=False)
    login = serializers.CharField(required=False)
    first_name = serializers.CharField(required=False)
    last_name = serializers.CharField(required=False)
    kind = serializers.CharField(required=False)
    roles = serializers.ListField(child=serializers.CharField(), required=False)
    school = SchoolOutput(allow_null=True, required=False)
    students = StudentBriefOutput(many=True, required=False)
    kajet_account = KajetAccountOutput(required=False)


class TokenOutput(serializers.Serializer):
    token = serializers.CharField()
    must_change_password = serializers.BooleanField()
    kajet_account = KajetAccountOutput(
        required=False, help_text="Signed in with a Kajet account: its linked school logins."
    )
