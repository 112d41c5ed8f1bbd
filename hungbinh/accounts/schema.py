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
    "description": "Field name (or non_field_errors) → messages; a nested or listed field's errors nest the same way.",
    "additionalProperties": {
        "anyOf": [
            {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "object"}]}},
            {"type": "string"},
            {"type": "object"},
        ]
    },
}
DESCRIPTIONS = {
    "400": "Bad input: the field errors, or a detail message.",
    "401": "No valid credentials (missing, wrong or expired token).",
    "403": "The user's role may not do this.",
    "404": "Not found, or outside the user's scope (on a list: a page past the last; on a write: an object it names).",
}


def _pages(operation) -> bool:
    """A paginated list answers 404 for a page past its last (DRF's PageNumberPagination)."""
    return any(p.get("in") == "query" and p.get("name") == "page" for p in operation.get("parameters", []))


# anyOf, not oneOf: {"detail": "…"} is both an ErrorDetail and a FieldErrors object.
BAD_INPUT = {"anyOf": [{"$ref": "#/components/schemas/FieldErrors"}, {"$ref": "#/components/schemas/ErrorDetail"}]}
WRITES = {"post", "put", "patch", "delete"}


def _response(code: str) -> dict:
    schema = BAD_INPUT if code == "400" else {"$ref": "#/components/schemas/ErrorDetail"}
    return {"description": DESCRIPTIONS[code], "content": {"application/json": {"schema": schema}}}


def _or_bad_input(response: dict) -> None:
    """A view's own 400 (an import's report of the workbook's errors) can still be the serializer's field
    errors or a detail message, as the exception handler writes them."""
    for content in response.get("content", {}).values():
        own = content.get("schema")
        if own is not None and own != BAD_INPUT:
            content["schema"] = {"anyOf": [own, *BAD_INPUT["anyOf"]]}


def add_error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ErrorDetail", DETAIL)
    schemas.setdefault("FieldErrors", FIELD_ERRORS)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            if "400" in responses:
                _or_bad_input(responses["400"])
            codes = ["400"]
            anonymous = {} in operation.get("security", [{}]) and len(operation.get("security", [])) == 1
            if not anonymous:
                codes += ["401", "403"]
            # A write naming an object outside the user's scope (a campaign, a household) is a 404 too.
            if "{" in path or _pages(operation) or (method in WRITES and not anonymous):
                codes.append("404")
            for code in codes:
                responses.setdefault(code, _response(code))
    return result
