"""The `advocase` console script."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import sys
import uuid
from pathlib import Path

from domain.config import Settings
from domain.errors import DomainError, ErrorCode

SCHEMA_PATH = Path(__file__).resolve().parent / "schema.graphql"


def _settings() -> Settings:
    s = Settings.from_env()
    s.validate()
    return s


def export_schema(path: Path = SCHEMA_PATH) -> str:
    from api.schema import schema
    sdl = schema.as_str() + "\n"
    path.write_text(sdl)
    return sdl


async def _has_organizations(db) -> bool:
    from sqlalchemy import func, select

    from domain.identity.models import Organization
    async with db.reader() as s:
        return bool(await s.scalar(select(func.count()).select_from(Organization)))


async def _demo(settings: Settings, *, only_if_empty: bool) -> None:
    from domain.db import Database
    from domain.demo import load_demo, print_summary
    db = Database(settings.database_url)
    try:
        if only_if_empty and await _has_organizations(db):
            return
        summary = await load_demo(db)
        print_summary(summary)
    finally:
        await db.dispose()


async def _create_org(settings: Settings, args) -> uuid.UUID:
    from domain.db import Database
    from domain.identity.service import create_organization
    db = Database(settings.database_url)
    try:
        async with db.transaction() as s:
            org, _ = await create_organization(
                s, name=args.name, chapters=args.chapter or [], admin_email=args.admin_email,
                admin_password=args.admin_password or getpass.getpass("Admin password: "))
        return org.id
    finally:
        await db.dispose()


async def _create_user(settings: Settings, args) -> uuid.UUID:
    from sqlalchemy import select

    from domain.db import Database
    from domain.identity.models import Chapter
    from domain.identity.service import create_user
    from domain.tenancy import enter_tenant
    db = Database(settings.database_url)
    try:
        async with db.transaction() as s:
            org_id = uuid.UUID(args.org)
            await enter_tenant(s, org_id)  # row-level security: this command acts in that organization
            chapter_ids = []
            for name in args.chapter or []:
                ch = await s.scalar(select(Chapter.id).where(Chapter.organization_id == org_id, Chapter.name == name))
                if ch is None:
                    raise DomainError(ErrorCode.VALIDATION, f"No chapter named {name!r} in this organization.",
                                      "chapter")
                chapter_ids.append(ch)
            user = await create_user(
                s, organization_id=org_id, email=args.email, display_name=args.name or args.email.split("@")[0],
                password=args.password or getpass.getpass("Password: "), roles=[args.role], chapter_ids=chapter_ids)
        return user.id
    finally:
        await db.dispose()


async def _worker(settings: Settings, *, once: bool) -> int:
    """Run the notification jobs and send the outbox (when SMTP is configured): what is due now (`once`), or
    until Ctrl-C / SIGTERM."""
    import signal

    from domain.db import Database
    from domain.outbox.worker import deliver_all_due, outbox_counts, run_worker
    if not settings.mail.configured:  # notifications still run; mail waits in the outbox
        print("advocase: SMTP is not configured (set ADVOCASE_SMTP_HOST); mail stays in the outbox, unsent",
              file=sys.stderr)
    db = Database(settings.database_url)
    try:
        if once:
            from domain.notifications.jobs import run_jobs
            jobs = await run_jobs(db, public_url=settings.public_url, time_zone=settings.time_zone,
                                  digest_hour=settings.digest_hour)
            print(f"notifications: {jobs['notifications']} new, {jobs['digests']} digest(s) queued")
            sent = await deliver_all_due(db, settings.mail)
            counts = await outbox_counts(db)
            print(f"sent {sent}; unsent {counts['PENDING'] + counts['SENDING']}, failed {counts['FAILED']}")
            return 0
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await run_worker(db, settings.mail, stop_event=stop, public_url=settings.public_url,
                         time_zone=settings.time_zone, digest_hour=settings.digest_hour)
        return 0
    finally:
        await db.dispose()


async def _reseal_secrets(settings: Settings) -> int:
    from domain.db import Database
    from domain.security.totp import reseal_secrets
    db = Database(settings.database_url)
    try:
        return await reseal_secrets(db, settings.sealer("totp"))
    finally:
        await db.dispose()


async def _purge_audit(settings: Settings, args) -> dict:
    from domain.audit.retention import purge_audit
    from domain.db import Database
    db = Database(settings.migrations_url)  # the owner's connection: the application's role cannot delete audit rows
    try:
        return await purge_audit(db, older_than_days=args.older_than_days, dry_run=args.dry_run)
    finally:
        await db.dispose()


async def _import_directory(settings: Settings, args):
    from domain.db import Database
    from domain.directory.service import import_directory_for_organization
    try:
        text = Path(args.file).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise ValueError(f"cannot read {args.file}: {e}") from None
    try:
        org_id = uuid.UUID(args.org)
    except ValueError:
        raise DomainError(ErrorCode.VALIDATION, "Not an organization id.", "org") from None
    from sqlalchemy import select

    from domain.db import tenant
    from domain.identity.models import Organization
    db = Database(settings.database_url)
    try:
        with tenant(org_id):  # row-level security: this command acts in that organization
            return await import_directory_for_organization(db, org_id, text, skip_invalid=args.skip_invalid,
                                                           default_state=args.state)
    finally:
        await db.dispose()


async def _import_records(settings: Settings, args):
    import json

    from domain.db import Database
    from domain.imports.service import import_records_for_organization
    try:
        data = Path(args.file).read_bytes()
    except OSError as e:
        raise ValueError(f"cannot read {args.file}: {e}") from None
    try:
        org_id = uuid.UUID(args.org)
    except ValueError:
        raise DomainError(ErrorCode.VALIDATION, "Not an organization id.", "org") from None
    mapping_name, columns = None, None
    if args.mapping and args.mapping.endswith(".json") and Path(args.mapping).is_file():
        try:
            columns = json.loads(Path(args.mapping).read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise ValueError(f"cannot read the mapping {args.mapping}: {e}") from None
    elif args.mapping:
        mapping_name = args.mapping
    from sqlalchemy import select

    from domain.db import tenant
    from domain.identity.models import Organization
    db = Database(settings.database_url)
    try:
        with tenant(org_id):  # row-level security: this command acts in that organization
            async with db.reader() as s:
                zone = await s.scalar(select(Organization.time_zone).where(Organization.id == org_id))
            return await import_records_for_organization(db, org_id, data, file_name=args.file,
                                                         mapping_name=mapping_name, columns=columns,
                                                         dry_run=args.dry_run, today=settings.today(zone))
    finally:
        await db.dispose()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="advocase", description="Advocase: case management for parent organizing.")
    sub = p.add_subparsers(dest="cmd", required=True)
    serve = sub.add_parser("serve", help="run the web app and API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    db = sub.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade"])
    co = sub.add_parser("create-org", help="create an organization and its first admin; prints the org id")
    co.add_argument("--name", required=True)
    co.add_argument("--admin-email", required=True)
    co.add_argument("--admin-password")
    co.add_argument("--chapter", action="append", help="a chapter name (repeatable)")
    cu = sub.add_parser("create-user", help="add a staff member to an organization; prints the user id")
    cu.add_argument("--org", required=True, help="organization id")
    cu.add_argument("--email", required=True)
    cu.add_argument("--role", required=True, help="admin, campaign_lead, advocate, viewer or a custom role")
    cu.add_argument("--password")
    cu.add_argument("--name")
    cu.add_argument("--chapter", action="append", help="a chapter name of the org (repeatable)")
    im = sub.add_parser("import-directory", help="import districts, schools and contacts from a CSV file")
    im.add_argument("file", help="CSV: district,school,school_level,contact_name,title,office,email,phone,"
                                 "issue_areas,ladder_level[,state]")
    im.add_argument("--org", required=True, help="organization id")
    im.add_argument("--skip-invalid", action="store_true",
                    help="import the valid rows even if some are invalid (default: any invalid row stops all)")
    im.add_argument("--state", help="two-letter state of new districts whose rows give none")
    ir = sub.add_parser("import", help="import families, students and cases from a CSV or Excel (.xlsx) file")
    ir.add_argument("file", help="CSV (UTF-8) or .xlsx; the first row names the columns")
    ir.add_argument("--org", required=True, help="organization id")
    ir.add_argument("--mapping", help="the name of a mapping saved in the organization, or a JSON file "
                                      "{\"field\": \"column header\", ...}; default: headers named like the fields")
    ir.add_argument("--dry-run", action="store_true", help="check the file and report every problem; change nothing")
    sub.add_parser("demo", help="load the demo organizations, users and cases")
    pa = sub.add_parser("purge-audit", help="delete audit events older than a retention period (at least 365 days), "
                                            "with the owner's connection (ADVOCASE_MIGRATION_DATABASE_URL)")
    pa.add_argument("--older-than-days", type=int, required=True, help="the retention period in days (365 or more)")
    pa.add_argument("--dry-run", action="store_true", help="count what would be deleted; delete nothing")
    sub.add_parser("reseal-secrets", help="after changing ADVOCASE_SECRET_KEY (the old key in "
                                          "ADVOCASE_PREVIOUS_SECRET_KEYS): seal the stored second-factor secrets "
                                          "with the new key")
    sub.add_parser("export-schema", help=f"write the GraphQL SDL to {SCHEMA_PATH.name}")
    wk = sub.add_parser("worker", help="run the notification jobs and send queued mail (the outbox) through SMTP until interrupted")
    wk.add_argument("--once", action="store_true", help="do what is due now, then exit")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)

    try:
        settings = _settings() if args.cmd != "export-schema" else None
    except ValueError as e:
        print(f"advocase: {e}", file=sys.stderr)
        return 2
    from migrations import upgrade
    try:
        if args.cmd == "export-schema":
            export_schema()
            print(f"wrote {SCHEMA_PATH}")
        elif args.cmd == "db":
            upgrade(settings.migrations_url)
            print("database is up to date")
        elif args.cmd == "create-org":
            upgrade(settings.migrations_url)
            print(asyncio.run(_create_org(settings, args)))
        elif args.cmd == "create-user":
            upgrade(settings.migrations_url)
            print(asyncio.run(_create_user(settings, args)))
        elif args.cmd == "import-directory":
            upgrade(settings.migrations_url)
            report = asyncio.run(_import_directory(settings, args))
            for err in report.errors:
                print(err, file=sys.stderr)
            if not report.imported:
                print(f"advocase: {len(report.errors)} invalid row(s); nothing was imported", file=sys.stderr)
                return 1
            print(f"imported {report.rows_imported} row(s) ({len(report.errors)} skipped): {report.summary()}")
        elif args.cmd == "import":
            upgrade(settings.migrations_url)
            report = asyncio.run(_import_records(settings, args))
            for problem in report.problems:
                print(problem, file=sys.stderr)
            if report.problem_count > len(report.problems):
                print(f"... and {report.problem_count - len(report.problems)} more problem(s)", file=sys.stderr)
            if report.problem_count:
                print(f"advocase: {report.problem_count} problem(s) in {report.rows} row(s); nothing was imported",
                      file=sys.stderr)
                return 1
            verb = "checked" if report.dry_run else "imported"
            print(f"{verb} {report.rows} row(s){' (dry run: nothing changed)' if report.dry_run else ''}: "
                  f"{report.summary()}")
        elif args.cmd == "demo":
            upgrade(settings.migrations_url)
            asyncio.run(_demo(settings, only_if_empty=False))
        elif args.cmd == "purge-audit":
            upgrade(settings.migrations_url)
            counts = asyncio.run(_purge_audit(settings, args))
            verb = "would delete" if args.dry_run else "deleted"
            print(f"{verb} {sum(counts.values())} audit event(s) older than {args.older_than_days} days "
                  f"in {sum(1 for org in counts if org is not None)} organization(s)")
        elif args.cmd == "reseal-secrets":
            upgrade(settings.migrations_url)
            print(f"sealed {asyncio.run(_reseal_secrets(settings))} second-factor secret(s) with the current key")
        elif args.cmd == "worker":
            return asyncio.run(_worker(settings, once=args.once))
        elif args.cmd == "serve":
            import uvicorn
            if not settings.production:
                upgrade(settings.migrations_url)
                if settings.demo_on_first_start:
                    asyncio.run(_demo(settings, only_if_empty=True))
            print(f"Advocase on http://{args.host}:{args.port}/  (GraphQL at /graphql)", flush=True)
            from api.observability import log_config
            log_format = "text" if os.environ.get("ADVOCASE_LOG_FORMAT", "json").lower() == "text" else "json"
            from api.serving import HTTP_PROTOCOL  # TCP_NODELAY with any number of workers
            uvicorn.run("api.app:create_app", factory=True, host=args.host, port=args.port, workers=args.workers,
                        http=HTTP_PROTOCOL,
                        log_level="info", log_config=log_config(log_format), access_log=False,
                        # behind a reverse proxy, name it in ADVOCASE_FORWARDED_ALLOW_IPS so that the client address
                        # (sign-in throttling, logs) comes from X-Forwarded-For; otherwise those headers are ignored
                        proxy_headers=bool(os.environ.get("ADVOCASE_FORWARDED_ALLOW_IPS")),
                        forwarded_allow_ips=os.environ.get("ADVOCASE_FORWARDED_ALLOW_IPS") or None)
    except DomainError as e:
        print(f"advocase: {e.message}" + (f" ({e.field})" if e.field else ""), file=sys.stderr)
        return 2
    except ValueError as e:
        print(f"advocase: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
