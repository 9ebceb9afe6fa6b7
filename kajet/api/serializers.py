"""Input and output serializers, kept apart (HackSoft style)."""

from __future__ import annotations

from rest_framework import serializers


class TokenInput(serializers.Serializer):
    login = serializers.CharField(max_length=64)
    password = serializers.CharField(max_length=256, trim_whitespace=False)
    otp = serializers.CharField(max_length=10, required=False, allow_blank=True)


class TokenOutput(serializers.Serializer):
    token = serializers.CharField()
    must_change_password = serializers.BooleanField()


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


class MeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    login = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    kind = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    school = SchoolOutput(allow_null=True)
    students = StudentBriefOutput(many=True)
