"""Runs over HTTP: find them (filters, keyset pages, CSV), read one with its records, start one of any design."""

import csv

from django.core.paginator import EmptyPage, Paginator
from django.http import HttpResponse, JsonResponse

from workflowviz.engine.designs import UnknownDesign
from workflowviz.engine.models import Run
from workflowviz.engine.run_search import (
    SORTS,
    SUMMARY_COLUMNS,
    BadQuery,
    run_query_parse,
    runs_csv_rows,
    runs_filtered,
    runs_find,
    runs_rows_json,
)
from workflowviz.engine.runs import BadInput, run_start
from workflowviz.engine.selectors import run_detail_json, run_summary_json
from workflowviz.values import digits

from .auth import api_view, error_response, found_or_404
from .body import json_fields

START_FIELDS = {"workflow", "pattern", "input"}
MAX_START_BYTES = 32 * 1024


@api_view(["GET", "POST"])
def runs(request):
    return _start(request) if request.method == "POST" else _list(request)


def _start(request):
    """POST /api/runs {"workflow", "pattern", "input"}: the input is checked against the trigger's fields."""
    data, problem = json_fields(request, START_FIELDS, {"version"}, limit=MAX_START_BYTES)
    if problem:
        return problem
    workflow, version = data["workflow"], data.get("version")
    if not isinstance(workflow, str) or not workflow or len(workflow) > 64:
        return error_response(422, {"workflow": "Must be the slug of a workflow design."})
    if version is not None and not (isinstance(version, int) and not isinstance(version, bool) and version >= 1):
        return error_response(422, {"version": "Must be a version number >= 1."})
    try:
        run = run_start(workflow=workflow, pattern=data["pattern"], data=data["input"], version=version)
    except UnknownDesign as error:
        return error_response(422, {"workflow": f"No runnable design '{workflow[:64]}': {str(error)[:200]}"})
    except BadInput as bad:
        return error_response(422, bad.problems)
    return JsonResponse(
        {**run_summary_json(run), "run_url": f"/api/runs/{run.id}", "page": f"/runs/{run.id}/"}, status=201
    )


@api_view(["GET"])
def run_detail(request, run_id):
    run, problem = found_or_404(Run.objects, run_id, "run_id")
    if problem:
        return problem
    after_seq = request.GET.get("after_seq", "0")
    if not digits(after_seq):
        return error_response(400, {"after_seq": "Must be a whole number >= 0."})
    return JsonResponse(run_detail_json(run, after_seq=int(after_seq)))


def _list(request):
    """GET /api/runs: the runs matching the filters, one keyset page (or, with page/page_size, numbered pages)."""
    if "page" in request.GET or "page_size" in request.GET:
        return _numbered_pages(request)
    response_format = request.GET.get("format", "json")
    if response_format not in ("json", "csv"):
        return error_response(400, {"format": "Must be one of: json, csv."})
    try:
        query = run_query_parse(request.GET)
    except BadQuery as bad:
        return error_response(400, bad.problems)
    page, next_cursor = runs_find(query)
    rows = runs_rows_json(page)
    if response_format == "csv":
        return _csv(rows, next_cursor)
    return JsonResponse({"results": rows, "next_cursor": next_cursor, "limit": query.limit})


def _csv(rows: list[dict], next_cursor: str | None) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="runs.csv"'
    if next_cursor:
        response["X-Next-Cursor"] = next_cursor
    csv.writer(response).writerows(runs_csv_rows(rows))
    return response


def _numbered_pages(request):
    """The older form (the dashboard's recent runs): `page` and `page_size`, with count and pages."""
    errors = {}
    page_size, page_number = request.GET.get("page_size", "50"), request.GET.get("page", "1")
    if not digits(page_size) or not 1 <= int(page_size) <= 500:
        errors["page_size"] = "Must be a whole number from 1 to 500."
    if not digits(page_number, max_digits=100) or int(page_number) < 1:
        errors["page"] = "Must be a whole number from 1."
    try:
        query = run_query_parse({name: value for name, value in request.GET.items() if name != "cursor"})
    except BadQuery as bad:
        errors.update(bad.problems)
    if errors:
        return error_response(400, errors)
    column, descending = SORTS[query.sort]
    sign = "-" if descending else ""
    runs = runs_filtered(query).only(*SUMMARY_COLUMNS).order_by(f"{sign}{column}", f"{sign}id")
    paginator = Paginator(runs, int(page_size))
    try:
        page = paginator.page(int(page_number))
    except EmptyPage:
        return error_response(404, {"page": f"There are {paginator.num_pages} page(s)."})
    return JsonResponse(
        {
            "count": paginator.count,
            "page": page.number,
            "pages": paginator.num_pages,
            "results": runs_rows_json(list(page.object_list)),
        }
    )
