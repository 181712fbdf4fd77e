"""Samvad's Lambda entry point: routes only. Each view hands the request to chalicelib."""

from __future__ import annotations

from collections.abc import Callable

from chalice.app import (
    AuthRequest,
    AuthResponse,
    Chalice,
    CloudWatchEvent,
    Cron,
    DynamoDBEvent,
    Response,
    SNSEvent,
)

from chalicelib.bootstrap import get_services
from chalicelib.errors import SamvadError
from chalicelib.followups.metrics import emf_line
from chalicelib.logs import bind_request
from chalicelib.logs import event as log_event
from chalicelib.web import (
    accounts,
    admin,
    api,
    console,
    console_answers,
    console_campaign,
    console_preview,
    console_qr,
    console_versions,
    pages,
    referrals,
    shares,
    theming,
    unsubscribe,
)
from chalicelib.web.gateway import any_type_when_unsaid
from chalicelib.web.http import (
    OUTAGE,
    WebRequest,
    WebResponse,
    answered,
    mount_path,
    transport_headers,
)
from chalicelib.web.inbound import inbound_payload

app = Chalice(app_name="samvad", configure_logs=False)  # logs are chalicelib.logs' JSON lines
INBOUND_SMS_TOPIC = "samvad-inbound-sms"  # where AWS two-way SMS publishes customers' answers
# The table's stream; `samvad package` puts the table's StreamArn here (Chalice wants a string).
TABLE_STREAM = "arn:aws:dynamodb:ap-south-1:000000000000:table/samvad/stream/table-stream"
FORM = ["application/x-www-form-urlencoded"]
# Every answer is binary to API Gateway, so that the share image reaches link previews: it
# sends binary only when the request's FIRST Accept type is a binary media type, and crawlers
# ask for */* or nothing. Chalice then base64-encodes every body (it needs bytes: _serve) and
# API Gateway decodes each one back for the client; form and JSON bodies arrive base64-encoded
# and Chalice decodes them.
app.api.binary_types.append("*/*")
app.register_middleware(any_type_when_unsaid, "http")


def _request() -> WebRequest:
    current = app.current_request
    assert current is not None
    return WebRequest(
        headers={k.lower(): v for k, v in current.headers.items()},
        query=dict(current.query_params or {}),
        body=_bytes(current.raw_body),
        client=str(current.context.get("identity", {}).get("sourceIp", "")),
        base=_mount(),
    )


def _mount() -> str:
    current = app.current_request
    assert current is not None
    return mount_path(current.context, current.uri_params)


def _bytes(body: str | bytes | None) -> bytes:
    return body.encode("utf-8") if isinstance(body, str) else body or b""


def _serve(view: Callable[[], WebResponse]) -> Response:
    current = app.current_request
    bind_request(current.context.get("requestId") if current is not None else None)
    local = False

    def ready_then_view() -> WebResponse:
        nonlocal local
        local = get_services().ready().settings.is_local  # fails closed: Misconfigured
        return view()

    answer = answered(OUTAGE, None, ready_then_view)
    answer = answer.mounted(_mount()) if current is not None else answer
    headers: dict[str, str | list[str]] = dict(answer.headers)
    headers.update(transport_headers(local))
    if answer.cookies:
        headers["Set-Cookie"] = list(answer.cookies)
    return Response(body=answer.encoded(), status_code=answer.status, headers=headers)


@app.route("/")
def index() -> Response:
    return _serve(lambda: pages.index_page(get_services(), _request()))


@app.route("/static/{name}")
def static(name: str) -> Response:
    return _serve(lambda: pages.static_asset(name))


@app.route("/static/theme/{name}")
def theme_file(name: str) -> Response:
    return _serve(lambda: theming.theme_file(get_services().campaign, name))


@app.route("/c/{slug}")
def campaign_redirect(slug: str) -> Response:
    return _serve(lambda: pages.campaign_redirect(get_services(), slug, _request()))


@app.route("/{locale}/c/{slug}", methods=["GET"])
def campaign_page(locale: str, slug: str) -> Response:
    return _serve(lambda: pages.campaign_page(get_services(), locale, slug, _request()))


@app.route("/{locale}/c/{slug}", methods=["POST"], content_types=FORM)
def submit_form(locale: str, slug: str) -> Response:
    return _serve(lambda: pages.submit_form(get_services(), locale, slug, _request()))


@app.route("/{locale}/c/{slug}/thanks")
def thanks(locale: str, slug: str) -> Response:
    return _serve(lambda: shares.thanks(get_services(), locale, slug, _request()))


@app.route("/{locale}/d/{response_id}/share", methods=["POST"], content_types=FORM)
def share_design(locale: str, response_id: str) -> Response:
    return _serve(lambda: shares.submit_share(get_services(), locale, response_id, _request()))


@app.route("/{locale}/s/{share_id}")
def share_page(locale: str, share_id: str) -> Response:
    return _serve(lambda: shares.share_page(get_services(), locale, share_id, _request()))


@app.route("/{locale}/s/{share_id}/design.svg")
def share_image(locale: str, share_id: str) -> Response:
    return _serve(lambda: shares.share_image(get_services(), locale, share_id, _request()))


@app.route("/{locale}/s/{share_id}/design.png")
def share_preview(locale: str, share_id: str) -> Response:
    return _serve(lambda: shares.share_image(get_services(), locale, share_id, _request(), "png"))


@app.route("/api/v1/openapi.json")
def api_openapi() -> Response:
    return _serve(api.openapi)


@app.route(
    "/api/v1/campaigns/{slug}/responses", methods=["POST"], content_types=["application/json"]
)
def post_response(slug: str) -> Response:
    return _serve(lambda: api.post_response(get_services(), slug, _request()))


@app.route("/r/{token}", methods=["GET"])
def referral_page(token: str) -> Response:
    return _serve(lambda: referrals.confirm_page(get_services(), token, _request()))


@app.route("/r/{token}", methods=["POST"], content_types=FORM)
def referral_confirm(token: str) -> Response:
    return _serve(lambda: referrals.confirm(get_services(), token, _request()))


@app.route("/u/{token}", methods=["GET"])
def unsubscribe_page(token: str) -> Response:
    return _serve(lambda: unsubscribe.unsubscribe_page(get_services(), token, _request()))


@app.route("/u/{token}", methods=["POST"], content_types=FORM)
def unsubscribe_now(token: str) -> Response:
    return _serve(lambda: unsubscribe.unsubscribe(get_services(), token, _request()))


ADMIN = "/admin/api/v1"
JSON = ["application/json"]


@app.authorizer(header="Authorization")
def admin_key(auth_request: AuthRequest) -> AuthResponse:
    """API Gateway asks this before any admin route (401 without the header, 403 on deny):
    a user's API key, or the bootstrap key, is let through with its user and role as the
    principal; the views check the key and the role again (the local test client enforces
    the same). It fails closed: no keys or no table, no entry."""
    try:
        principal = admin.principal_for(get_services(), auth_request.token)
    except SamvadError:
        principal = None
    if principal is None:
        return AuthResponse(routes=[], principal_id="anonymous")
    role = str(principal.role) if principal.role else "bootstrap"
    return AuthResponse(routes=["*"], principal_id=principal.name, context={"role": role})


@app.route(f"{ADMIN}/openapi.json")
def admin_openapi() -> Response:
    return _serve(admin.openapi)


@app.route(f"{ADMIN}/campaigns", methods=["GET"], authorizer=admin_key)
def admin_list() -> Response:
    return _serve(lambda: admin.list_campaigns(get_services(), _request()))


@app.route(f"{ADMIN}/campaigns", methods=["POST"], content_types=JSON, authorizer=admin_key)
def admin_deploy() -> Response:
    return _serve(lambda: admin.deploy(get_services(), _request()))


@app.route(f"{ADMIN}/campaigns/{{slug}}", methods=["GET"], authorizer=admin_key)
def admin_show(slug: str) -> Response:
    return _serve(lambda: admin.show_campaign(get_services(), slug, _request()))


@app.route(
    f"{ADMIN}/campaigns/{{slug}}/publish",
    methods=["POST"],
    content_types=JSON,
    authorizer=admin_key,
)
def admin_publish(slug: str) -> Response:
    return _serve(lambda: admin.publish(get_services(), slug, _request()))


@app.route(
    f"{ADMIN}/campaigns/{{slug}}/rollback",
    methods=["POST"],
    content_types=JSON,
    authorizer=admin_key,
)
def admin_rollback(slug: str) -> Response:
    return _serve(lambda: admin.rollback(get_services(), slug, _request()))


@app.route(f"{ADMIN}/campaigns/{{slug}}/responses", methods=["GET"], authorizer=admin_key)
def admin_responses(slug: str) -> Response:
    return _serve(lambda: admin.responses(get_services(), slug, _request()))


@app.route(f"{ADMIN}/campaigns/{{slug}}/export", methods=["GET"], authorizer=admin_key)
def admin_export(slug: str) -> Response:
    return _serve(lambda: admin.export(get_services(), slug, _request()))


@app.route(f"{ADMIN}/campaigns/{{slug}}/stats", methods=["GET"], authorizer=admin_key)
def admin_stats(slug: str) -> Response:
    return _serve(lambda: admin.stats(get_services(), slug, _request()))


@app.route(f"{ADMIN}/campaigns/{{slug}}/moderation", methods=["GET"], authorizer=admin_key)
def admin_moderation(slug: str) -> Response:
    return _serve(lambda: admin.moderation_queue(get_services(), slug, _request()))


@app.route(
    f"{ADMIN}/campaigns/{{slug}}/moderation/{{share_id}}",
    methods=["POST"],
    content_types=JSON,
    authorizer=admin_key,
)
def admin_moderate(slug: str, share_id: str) -> Response:
    return _serve(lambda: admin.moderate(get_services(), slug, share_id, _request()))


@app.route(f"{ADMIN}/campaigns/{{slug}}/responses/{{response_id}}/thread", authorizer=admin_key)
def admin_thread(slug: str, response_id: str) -> Response:
    return _serve(lambda: admin.thread(get_services(), slug, response_id, _request()))


@app.route(
    f"{ADMIN}/campaigns/{{slug}}/responses/{{response_id}}/replies",
    methods=["POST"],
    content_types=JSON,
    authorizer=admin_key,
)
def admin_reply(slug: str, response_id: str) -> Response:
    return _serve(lambda: admin.reply(get_services(), slug, response_id, _request()))


@app.on_sns_message(topic=INBOUND_SMS_TOPIC)
def inbound_sms(event: SNSEvent) -> None:
    """Customers' SMS answers, as AWS two-way SMS publishes them."""
    payload = inbound_payload(event.message)
    if payload is None:  # a retry would fail the same way: log it (no content) and drop it
        log_event("sms.inbound", outcome="malformed", size=len(event.message or ""))
        return
    services = get_services().ready()
    outcome = services.dialogue.handle_inbound(payload, services.clock())
    log_event("sms.inbound", outcome=outcome)  # no number, no text: personal data stays out


@app.route("/u/{token}/erase", methods=["GET"])
def erase_my_data_page(token: str) -> Response:
    return _serve(lambda: unsubscribe.erase_page(get_services(), token, _request()))


@app.route("/u/{token}/erase", methods=["POST"], content_types=FORM)
def erase_my_data(token: str) -> Response:
    return _serve(lambda: unsubscribe.erase(get_services(), token, _request()))


@app.route(f"{ADMIN}/contacts/erase", methods=["POST"], content_types=JSON, authorizer=admin_key)
def admin_erase() -> Response:
    return _serve(lambda: admin.erase_contact(get_services(), _request()))


@app.route(f"{ADMIN}/users", methods=["POST"], content_types=JSON, authorizer=admin_key)
def admin_add_user() -> Response:
    return _serve(lambda: accounts.add_user(get_services(), _request()))


@app.route(f"{ADMIN}/users", methods=["GET"], authorizer=admin_key)
def admin_users() -> Response:
    return _serve(lambda: accounts.list_users(get_services(), _request()))


@app.route(
    f"{ADMIN}/users/{{name}}/role", methods=["POST"], content_types=JSON, authorizer=admin_key
)
def admin_user_role(name: str) -> Response:
    return _serve(lambda: accounts.set_role(get_services(), name, _request()))


@app.route(
    f"{ADMIN}/users/{{name}}/disable", methods=["POST"], content_types=JSON, authorizer=admin_key
)
def admin_user_disable(name: str) -> Response:
    return _serve(lambda: accounts.disable(get_services(), name, _request()))


@app.route(
    f"{ADMIN}/users/{{name}}/keys", methods=["POST"], content_types=JSON, authorizer=admin_key
)
def admin_user_key(name: str) -> Response:
    return _serve(lambda: accounts.issue_key(get_services(), name, _request()))


@app.route(f"{ADMIN}/audit", methods=["GET"], authorizer=admin_key)
def admin_audit() -> Response:
    return _serve(lambda: accounts.audit(get_services(), _request()))


@app.route("/console", methods=["GET"])
def console_home() -> Response:
    return _serve(lambda: console.home(get_services(), _request()))


@app.route("/console/sign-in", methods=["GET"])
def console_sign_in_page() -> Response:
    return _serve(lambda: console.sign_in_page(get_services(), _request()))


@app.route("/console/sign-in", methods=["POST"], content_types=FORM)
def console_sign_in() -> Response:
    return _serve(lambda: console.sign_in(get_services(), _request()))


@app.route("/console/sign-out", methods=["POST"], content_types=FORM)
def console_sign_out() -> Response:
    return _serve(lambda: console.sign_out(get_services(), _request()))


@app.route("/console/audit", methods=["GET"])
def console_audit() -> Response:
    return _serve(lambda: console.audit_page(get_services(), _request()))


@app.on_dynamodb_record(stream_arn=TABLE_STREAM, batch_size=100, name="send-new-followups")
def send_new_followups(event: DynamoDBEvent) -> None:
    """New items of the table, as its stream hands them over: follow-ups due now go out (the
    thank-you SMS, the response event), within a second of the answer."""
    services = get_services().ready()
    jobs, responses = services.new_items(
        record.new_image for record in event if record.event_name == "INSERT" and record.new_image
    )
    if jobs:
        report = services.runner.within(event.context).take(jobs, responses)
        print(emf_line(report, services.settings.stage, services.clock()))


@app.schedule(Cron("*", "*", "*", "*", "?", "*"), name="send-due-followups")
def send_due_followups(event: CloudWatchEvent) -> None:
    """Every minute: send the follow-ups that are due (and retry the ones that failed)."""
    services = get_services().ready()
    report = services.runner.within(event.context).run_due()
    # Counts only, no personal data; CloudWatch reads the metrics out of this line.
    print(emf_line(report, services.settings.stage, services.clock()))


# The console's pages about one campaign (web/console_campaign.py, console_answers.py,
# console_versions.py).
CAMPAIGN = "/console/c/{slug}"


@app.route(CAMPAIGN, methods=["GET"])
def console_dashboard(slug: str) -> Response:
    return _serve(lambda: console_campaign.dashboard(get_services(), slug, _request()))


@app.route(f"{CAMPAIGN}/moderation", methods=["GET"])
def console_moderation(slug: str) -> Response:
    return _serve(lambda: console_campaign.moderation(get_services(), slug, _request()))


@app.route(f"{CAMPAIGN}/moderation/{{share_id}}", methods=["POST"], content_types=FORM)
def console_moderate(slug: str, share_id: str) -> Response:
    return _serve(lambda: console_campaign.moderate(get_services(), slug, share_id, _request()))


@app.route(f"{CAMPAIGN}/moderation/{{share_id}}/design.svg", methods=["GET"])
def console_share_design(slug: str, share_id: str) -> Response:
    return _serve(lambda: console_campaign.design(get_services(), slug, share_id, _request()))


@app.route(f"{CAMPAIGN}/followups", methods=["GET"])
def console_followups(slug: str) -> Response:
    return _serve(lambda: console_campaign.followups(get_services(), slug, _request()))


@app.route(f"{CAMPAIGN}/followups/retry", methods=["POST"], content_types=FORM)
def console_retry_followups(slug: str) -> Response:
    return _serve(lambda: console_campaign.retry(get_services(), slug, _request()))


@app.route(f"{CAMPAIGN}/answers", methods=["GET"])
def console_answers_page(slug: str) -> Response:
    return _serve(lambda: console_answers.answers(get_services(), slug, _request()))


@app.route(f"{CAMPAIGN}/answers/{{response_id}}", methods=["GET"])
def console_answer(slug: str, response_id: str) -> Response:
    return _serve(lambda: console_answers.answer(get_services(), slug, response_id, _request()))


@app.route(f"{CAMPAIGN}/answers/{{response_id}}/reply", methods=["POST"], content_types=FORM)
def console_reply(slug: str, response_id: str) -> Response:
    return _serve(lambda: console_answers.reply(get_services(), slug, response_id, _request()))


@app.route(f"{CAMPAIGN}/export", methods=["GET"])
def console_export(slug: str) -> Response:
    return _serve(lambda: console_answers.export(get_services(), slug, _request()))


@app.route(f"{CAMPAIGN}/versions", methods=["GET"])
def console_versions_page(slug: str) -> Response:
    return _serve(lambda: console_versions.versions(get_services(), slug, _request()))


@app.route(f"{CAMPAIGN}/versions/{{version}}/preview", methods=["GET"])
def console_version_preview(slug: str, version: str) -> Response:
    return _serve(lambda: console_preview.preview(get_services(), slug, version, _request()))


@app.route(f"{CAMPAIGN}/versions/{{version}}/publish", methods=["GET"])
def console_confirm_publish(slug: str, version: str) -> Response:
    return _serve(
        lambda: console_versions.confirm_publish(get_services(), slug, version, _request())
    )


@app.route(f"{CAMPAIGN}/versions/{{version}}/publish", methods=["POST"], content_types=FORM)
def console_publish(slug: str, version: str) -> Response:
    return _serve(lambda: console_versions.publish(get_services(), slug, version, _request()))


@app.route(f"{CAMPAIGN}/rollback", methods=["GET"])
def console_confirm_rollback(slug: str) -> Response:
    return _serve(lambda: console_versions.confirm_rollback(get_services(), slug, _request()))


@app.route(f"{CAMPAIGN}/rollback", methods=["POST"], content_types=FORM)
def console_rollback(slug: str) -> Response:
    return _serve(lambda: console_versions.rollback(get_services(), slug, _request()))


@app.route(f"{CAMPAIGN}/qr", methods=["GET"])
def console_qr_codes(slug: str) -> Response:
    return _serve(lambda: console_qr.codes(get_services(), slug, _request()))


@app.route(f"{CAMPAIGN}/qr/{{name}}", methods=["GET"])
def console_qr_image(slug: str, name: str) -> Response:
    return _serve(lambda: console_qr.image(get_services(), slug, name, _request()))
