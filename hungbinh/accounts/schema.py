"""The error answers every API operation can give, added to the OpenAPI schema (drf-spectacular hook).

The views document their own successes and conflicts; what the exception
handler (hungbinh/accounts/api.py) answers for any of them is added here, so a
client generated from the schema knows them: 400 with field errors, 401 without
valid credentials, 403 for a role that may not act, 404 outside the scope.
"""

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": "Field name (or non_field_errors) → messages.",
    "additionalProperties": {"oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]},
}
DESCRIPTIONS = {
    "400": "Bad input: the field errors, or a detail message.",
    "401": "No valid credentials (missing, wrong or expired token).",
    "403": "The user's role may not do this.",
    "404": "Not found, or outside the user's scope.",
}


def _response(code: str) -> dict:
    schema = (
        {"oneOf": [{"$ref": "#/components/schemas/FieldErrors"}, {"$ref": "#/components/schemas/ErrorDetail"}]}
        if code == "400"
        else {"$ref": "#/components/schemas/ErrorDetail"}
    )
    return {"description": DESCRIPTIONS[code], "content": {"application/json": {"schema": schema}}}


def add_error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ErrorDetail", DETAIL)
    schemas.setdefault("FieldErrors", FIELD_ERRORS)
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            codes = ["400"]
            anonymous = {} in operation.get("security", [{}]) and len(operation.get("security", [])) == 1
            if not anonymous:
                codes += ["401", "403"]
            if "{" in path:
                codes.append("404")
            for code in codes:
                responses.setdefault(code, _response(code))
    return result
