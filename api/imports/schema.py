"""Importing families, students and cases from spreadsheets (column mappings, dry run, import), and the
caseload export. Thin: decode the input, call domain.imports.service / domain.cases.export."""

from __future__ import annotations

import base64
import enum
from datetime import datetime

import strawberry

from api.cases.schema import CaseFilter, to_domain_filter
from api.context import Info
from api.errors import UserError
from api.relay import decode, decode_opt, to_global_id
from api.resolve import attempt, query
from domain.cases import export as exports
from domain.errors import DomainError, ErrorCode, invalid, require
from domain.imports import service
from domain.imports.models import ImportMapping
from domain.tabular import CSV, XLSX


@strawberry.enum(description="A spreadsheet format.")
class FileFormat(enum.Enum):
    CSV = CSV
    XLSX = XLSX


@strawberry.type(description="A field an import can fill (see the README, Import).")
class ImportField:
    name: str
    entity: str = strawberry.field(description="family, student or case")
    description: str


@strawberry.type(description="The column of the file that feeds a field.")
class ImportColumn:
    field: str
    column: str


@strawberry.type(name="ImportMapping", description="A column mapping saved by the organization.")
class ImportMappingType:
    id: strawberry.ID
    name: str
    columns: list[ImportColumn]
    updated_at: datetime
    version: int = strawberry.field(description="Send it back with updateImportMapping (optimistic locking).")

    @classmethod
    def of(cls, m: ImportMapping) -> "ImportMappingType":
        return cls(id=to_global_id("ImportMapping", m.id), name=m.name, updated_at=m.updated_at, version=m.version,
                   columns=[ImportColumn(field=f, column=c) for f, c in m.columns.items()])


@strawberry.input
class ImportColumnInput:
    field: str = strawberry.field(description="An import field, e.g. family_external_id (see importFields).")
    column: str = strawberry.field(description="The header of the file's column, e.g. 'Family ID'.")


def _columns(cols: list[ImportColumnInput] | None) -> dict[str, str] | None:
    if cols is None:
        return None
    out: dict[str, str] = {}
    for c in cols:
        if c.field in out:
            raise invalid(f"The field {c.field} is mapped twice.", "columns")
        out[c.field] = c.column
    return out


@strawberry.input
class CreateImportMappingInput:
    name: str
    columns: list[ImportColumnInput]


@strawberry.input
class UpdateImportMappingInput:
    id: strawberry.ID
    version: int = strawberry.field(description="The version you read; a stale one gets CONFLICT.")
    name: str | None = strawberry.UNSET
    columns: list[ImportColumnInput] | None = strawberry.UNSET


@strawberry.type
class ImportMappingPayload:
    mapping: ImportMappingType | None
    errors: list[UserError]


@strawberry.input
class ImportRecordsInput:
    file_name: str | None = strawberry.field(default=None, description="Used to tell .xlsx from .csv.")
    format: FileFormat | None = strawberry.field(default=None, description="Default: from the file name and content.")
    text: str | None = strawberry.field(default=None, description="The CSV file as text (or use contentBase64).")
    content_base64: str | None = strawberry.field(default=None, description="The file (CSV or .xlsx), base64; "
                                                  "at most 20 MB decoded.")
    mapping_id: strawberry.ID | None = strawberry.field(default=None, description="A saved mapping to use.")
    columns: list[ImportColumnInput] | None = strawberry.field(
        default=None, description="A mapping for this import only. Without one (and without mappingId), headers "
                                  "named like the fields (family_name, ...) are used.")
    dry_run: bool = strawberry.field(default=False, description="Check and report only; change nothing.")


@strawberry.type(description="One problem of a file: its row (the header is row 1) and column.")
class ImportProblem:
    row: int
    column: str | None = strawberry.field(description="The header of the file's column, if one is at fault.")
    field: str | None = strawberry.field(description="The import field, if one is at fault.")
    message: str


@strawberry.type
class ImportReport:
    dry_run: bool
    imported: bool = strawberry.field(description="False when problems stopped it: then nothing was written.")
    rows: int
    families_created: int
    families_updated: int
    students_created: int
    students_updated: int
    cases_created: int
    cases_updated: int
    problems: list[ImportProblem] = strawberry.field(description="Every problem, by row (the first 10,000).")
    problem_count: int
    unmapped_columns: list[str] = strawberry.field(description="Columns of the file no field reads.")

    @classmethod
    def of(cls, r: service.ImportReport) -> "ImportReport":
        return cls(dry_run=r.dry_run, imported=r.imported, rows=r.rows, families_created=r.families_created,
                   families_updated=r.families_updated, students_created=r.students_created,
                   students_updated=r.students_updated, cases_created=r.cases_created,
                   cases_updated=r.cases_updated, problem_count=r.problem_count,
                   unmapped_columns=r.unmapped_columns,
                   problems=[ImportProblem(row=p.row, column=p.column, field=p.field, message=p.message)
                             for p in r.problems])


@strawberry.type
class ImportRecordsPayload:
    report: ImportReport | None
    errors: list[UserError]


@strawberry.input
class ExportCasesInput:
    filter: CaseFilter | None = strawberry.field(default=None, description="The same filter as `cases`.")
    format: FileFormat = FileFormat.CSV


@strawberry.type(description="A file to save: the bytes are in contentBase64.")
class ExportFile:
    file_name: str
    content_type: str
    content_base64: str
    row_count: int
    truncated: bool = strawberry.field(description="More cases matched than the 100,000 exported.")


@strawberry.type
class ExportCasesPayload:
    file: ExportFile | None
    errors: list[UserError]


@strawberry.type
class ImportsQuery:
    @strawberry.field(description="The fields an import can fill (needs case:import).")
    async def import_fields(self, info: Info) -> list[ImportField]:
        ctx = info.context

        async def run():
            require(ctx.actor, "case", "import")
            return service.field_catalog()
        return [ImportField(name=f.name, entity=f.entity, description=f.description) for f in await query(run)]

    @strawberry.field(description="The organization's saved column mappings (needs case:import).")
    async def import_mappings(self, info: Info) -> list[ImportMappingType]:
        ctx = info.context
        return [ImportMappingType.of(m) for m in await query(lambda: service.list_mappings(ctx.db, ctx.actor))]


@strawberry.type
class ImportsMutation:
    @strawberry.mutation(description="Save a column mapping for the organization (case:import).")
    async def create_import_mapping(self, info: Info, input: CreateImportMappingInput) -> ImportMappingPayload:
        ctx = info.context
        m, errors = await attempt(lambda: service.create_mapping(ctx.db, ctx.actor, name=input.name,
                                                                 columns=_columns(input.columns)))
        return ImportMappingPayload(mapping=m and ImportMappingType.of(m), errors=errors)

    @strawberry.mutation(description="Rename a saved mapping or change its columns (case:import).")
    async def update_import_mapping(self, info: Info, input: UpdateImportMappingInput) -> ImportMappingPayload:
        ctx = info.context

        async def run():
            mapping_id = decode(input.id, "ImportMapping")
            return await service.update_mapping(
                ctx.db, ctx.actor, mapping_id, version=input.version,
                name=None if input.name in (strawberry.UNSET, None) else input.name,
                columns=None if input.columns in (strawberry.UNSET, None) else _columns(input.columns))
        m, errors = await attempt(run)
        return ImportMappingPayload(mapping=m and ImportMappingType.of(m), errors=errors)

    @strawberry.mutation(description="Check (dryRun) or import families, students and cases from a CSV or Excel "
                                     "file: all or nothing (case:import and case:read_all).")
    async def import_records(self, info: Info, input: ImportRecordsInput) -> ImportRecordsPayload:
        ctx = info.context

        async def run():
            require(ctx.actor, "case", "import")  # before decoding anything: refusals look alike
            data = service.decode_content(text_content=input.text, base64_content=input.content_base64)
            return await service.import_records(
                ctx.db, ctx.actor, data, file_name=input.file_name, fmt=input.format.value if input.format else None,
                columns=_columns(input.columns), mapping_id=decode_opt(input.mapping_id, "ImportMapping", "mappingId"),
                dry_run=input.dry_run, today=ctx.today)
        report, errors = await attempt(run)
        if report is None:
            return ImportRecordsPayload(report=None, errors=errors)
        if not report.dry_run and not report.imported:
            n = report.problem_count
            errors = [UserError.of(DomainError(
                ErrorCode.VALIDATION, f"{n} problem{'s' if n != 1 else ''} in the file; nothing was imported.",
                "file"))]
        return ImportRecordsPayload(report=ImportReport.of(report), errors=errors)

    @strawberry.mutation(description="The cases `cases` lists with this filter, as a CSV or Excel file "
                                     "(case:export; audited).")
    async def export_cases(self, info: Info, input: ExportCasesInput) -> ExportCasesPayload:
        ctx = info.context

        async def run():
            require(ctx.actor, "case", "export")  # before decoding the filter: refusals look alike
            return await exports.export_cases(ctx.db, ctx.actor, to_domain_filter(input.filter),
                                              fmt=input.format.value, today=ctx.today)
        out, errors = await attempt(run)
        file = out and ExportFile(file_name=out.file_name, content_type=out.content_type, row_count=out.rows,
                                  truncated=out.truncated, content_base64=base64.b64encode(out.data).decode())
        return ExportCasesPayload(file=file, errors=errors)
