//! The registers' operations (issue 5), part of the one route table.

use axum::routing::{get, post, MethodRouter};
use cats_app::App;

use super::{schema_of, Body, Method, Operation};
use crate::handlers::{admin, contracts, ice, registrations, risk};

/// The registers' operations with their handlers, in the order of the documentation.
pub fn operations() -> Vec<(Operation, MethodRouter<App>)> {
    vec![
        (
            op!(Post "/registrations", "registers", "trader, insurer (for its company)", true, Body::Schema(schema_of::<cats_app::registers::registrations::Application>),
            "Apply to a register (AEO, authorised trader, authorised insurer).",
            [(201, "the registration, status submitted"), (400, "invalid fields: every error with pointer and reason"), (409, "a live registration in this register already")]).json(schema_of::<crate::register_views::RegistrationView>),
            post(registrations::apply),
        ),
        (
            op!(Get "/registrations", "registers", "officer (every country), trader and insurer (own)", true, Body::None,
            "Registrations; filters register, status, party, country. Each with status, shownStatus (expired past validity), active, validFrom, validTo.",
            [(200, "count, registrations"), (400, "unknown register or status")]).json(schema_of::<crate::register_views::RegistrationList>),
            get(registrations::list),
        ),
        (
            op!(Get "/registrations/{id}", "registers", "officer, the applicant", true, Body::None, "A registration with its documents and the history of every step.", [(200, "the registration"), (404, "unknown or not visible")]).json(schema_of::<crate::register_views::RegistrationView>),
            get(registrations::show),
        ),
        (
            op!(Post "/registrations/{id}/actions/{action}", "registers", "officer of the registration's country", true, Body::Schema(schema_of::<registrations::StepBody>),
            "A customs decision: approve, reject, suspend, reinstate, revoke, renew. Notifies the company.",
            [(200, "the registration"), (400, "missing reason or dates that do not hold"), (404, "unknown action or registration"), (409, "not allowed in its status")]).json(schema_of::<crate::register_views::RegistrationView>),
            post(registrations::act),
        ),
        (
            op!(Post "/registrations/{id}/documents", "registers", "the applicant", true, Body::Raw("the document: application/pdf, image/png, image/jpeg, image/tiff or text/plain, at most 2 MiB; ?filename="),
            "Attach a document to an application (kept in the database with content type, size and SHA-256).",
            [(201, "id, filename, contentType, size, sha256, download link"), (400, "type not accepted or content not of that type"), (409, "registration rejected or revoked, or 10 documents already"), (413, "above 2 MiB")]).json(schema_of::<crate::register_views::DocumentView>),
            post(registrations::upload),
        ),
        (
            op!(Get "/registrations/{id}/documents/{documentId}", "registers", "officer, the applicant", true, Body::None, "Download a document (its Content-Type, Content-Disposition attachment, X-Content-SHA256).", [(200, "the bytes"), (404, "unknown or not visible")]).file(),
            get(registrations::download),
        ),
        (
            op!(Get "/parties/{id}", "registers", "officer (every country), the party's users", true, Body::None, "A party by identification number: status, aeo (AEO status today) and its registrations with their validity.", [(200, "the party"), (404, "unknown or not visible")]).json(schema_of::<crate::register_views::PartyView>),
            get(registrations::party),
        ),
        (
            op!(Post "/contracts", "contracts", "insurer (active authorised insurer)", true, Body::Schema(schema_of::<cats_app::registers::contracts::Submission>),
            "Submit an insurance contract (comprehensive guarantee). Notifies the insurer and the holder.",
            [(201, "the contract, status submitted"), (400, "invalid fields: every error"), (422, "ruleId CATS023: the insurer is not an active authorised insurer")]).json(schema_of::<crate::contract_views::ContractSummary>),
            post(contracts::submit),
        ),
        (
            op!(Get "/contracts", "contracts", "insurer (own), trader (covering it), officer", true, Body::None, "Contracts; filters status, holder, insurer.", [(200, "count, contracts"), (400, "unknown status")]).json(schema_of::<crate::contract_views::ContractList>),
            get(contracts::list),
        ),
        (
            op!(Get "/contracts/{id}", "contracts", "the insurer, the holder, officer", true, Body::None,
            "A contract: GRN, status, runningTotal, available, exposure (reservations, openClaims), openLiabilities, liabilityEnd, usage per MRN (amount, lockDate, releaseDate, declared amount, rate, AEO share), claims, history.",
            [(200, "the contract"), (404, "unknown or not visible")]).json(schema_of::<crate::contract_views::ContractDetail>),
            get(contracts::show),
        ),
        (
            op!(Post "/contracts/{id}/actions/{action}", "contracts", "officer (approve at a guarantee office of its country; reject; suspend, reinstate, revoke: officers of the GRN's country); the insurer (cancel)", true,
            Body::Schema(schema_of::<contracts::StepBody>),
            "A step on a contract: approve (GRN allocated), reject, suspend, reinstate, revoke, cancel. Notifies the insurer and the holder.",
            [(200, "the contract"), (400, "missing field"), (404, "unknown action or contract"), (409, "not allowed in its status, or cancel with open liabilities"), (422, "ruleId CATS023: the insurer is no longer authorised")]).json(schema_of::<crate::contract_views::ContractSummary>),
            post(contracts::act),
        ),
        (
            op!(Post "/contracts/{id}/access-code", "contracts", "the holder", true, Body::Schema(schema_of::<contracts::AccessCodeBody>),
            "Set the access code of an approved contract (it becomes active) or change it (CC026C analogue); kept hashed.",
            [(200, "id, status, accessCodeSet"), (400, "not 4 alphanumerics"), (403, "not the holder, or wrong current code"), (409, "not approved or ended")]).json(schema_of::<crate::contract_views::AccessCodeAnswer>),
            post(contracts::set_access_code),
        ),
        (
            op!(Get "/claims", "contracts", "insurer (own guarantees), trader (own movements), officer", true, Body::None, "Claims raised at recovery; filters status (raised, contested, paid, waived), grn.", [(200, "count, claims")]).json(schema_of::<crate::contract_views::ClaimList>),
            get(contracts::claims_list),
        ),
        (
            op!(Get "/claims/{id}", "contracts", "the insurer, the holder, officer", true, Body::None, "A claim: amount, currency, MRN, status, answer, history.", [(200, "the claim"), (404, "unknown or not visible")]).json(schema_of::<crate::contract_views::ClaimView>),
            get(contracts::claim),
        ),
        (
            op!(Post "/claims/{id}/actions/{action}", "contracts", "the insurer (contest, pay), officer (waive)", true, Body::Schema(schema_of::<contracts::StepBody>),
            "Answer a claim; paying or waiving closes the liability (the amount leaves the running total).",
            [(200, "the claim"), (400, "missing field"), (404, "unknown action or claim"), (409, "claim closed")]).json(schema_of::<crate::contract_views::ClaimView>),
            post(contracts::claim_act),
        ),
        (
            op!(Get "/exchange-rates", "reference", "anyone", false, Body::None, "Reference exchange rates: from, to, validFrom, validTo, rate (units of to per unit of from).", [(200, "count, rates")]).json(schema_of::<crate::register_views::RateList>),
            get(admin::rates),
        ),
        (
            op!(Post "/exchange-rates", "reference", "admin", true, Body::Schema(schema_of::<admin::RateBody>),
            "Set a reference exchange rate (replaces the one with the same currencies and first day).",
            [(201, "the rate"), (400, "invalid rate or unknown currency")]).json(schema_of::<crate::register_views::RateView>),
            post(admin::set_rate),
        ),
        (
            op!(Post "/admin/users", "admin", "admin", true, Body::Schema(schema_of::<cats_app::registers::users::NewUser>),
            "Create a user (and its company, not yet registered); answers its first API token, shown once.",
            [(201, "user, token"), (400, "invalid"), (409, "username in use")]).json(schema_of::<crate::register_views::NewUserAnswer>),
            post(admin::create_user),
        ),
        (
            op!(Get "/admin/ice", "admin", "admin", true, Body::None,
            "ICE status of this node (issue 12): its id, the countries it hosts, the peer hosting each other country, delivery figures per peer (pending, delivered, refused, retried, received, maxLagMs, oldestPending, lastError), and the latest 50 messages out and in. A stand-alone node answers with no node and empty lists of peers.",
            [(200, "node, hosted, peers, queues, outbox, inbox"), (403, "not an administrator")]).json(schema_of::<cats_app::ice::status::IceStatus>),
            get(ice::status),
        ),
        (
            op!(Post "/admin/ice/unavailability", "admin", "admin", true, Body::Schema(schema_of::<cats_app::ice::unavailability::Unavailability>),
            "Announce to every peer that this node will be unavailable from `from` to `to` (UTC, at most 7 days) for `reason` (CD070C, issue 12): the peers hold their messages for this node until the window ends. Audited.",
            [(202, "peers told"), (400, "window or reason wrong"), (403, "not an administrator, or no ICE network")]).json(schema_of::<crate::handlers::ice::Told>),
            post(ice::announce_unavailability),
        ),
        (
            op!(Post "/admin/ice/peers/{node}/retry", "admin", "admin", true, Body::None,
            "Make every message waiting for peer `node` due now, rather than at the next attempt of the backoff (after its problem is fixed). Audited.",
            [(200, "rescheduled: how many"), (403, "not an administrator, or no ICE network"), (404, "not a peer")]).json(schema_of::<crate::handlers::ice::Rescheduled>),
            post(ice::retry_now),
        ),
        (
            op!(Post "/admin/ice/available", "admin", "admin", true, Body::None,
            "Tell every peer that this node is available again (CD071C): the messages they hold for it are due at once. Audited.",
            [(202, "peers told"), (403, "not an administrator, or no ICE network")]).json(schema_of::<crate::handlers::ice::Told>),
            post(ice::announce_available),
        ),
        (
            op!(Post "/ice/fallback", "ice", "officer", true, Body::Schema(schema_of::<cats_app::ice::fallback::FallbackRequest>),
            "Record a passage (entry, exit, arrival) at an office hosted here from the paper transit accompanying document, by MRN, while the movement's anticipated record has not arrived (NCTS fallback, issue 12): kept pending and applied to the movement, and so sent to the node of departure, when the record arrives.",
            [(202, "the passage, pending"), (400, "invalid body"), (403, "not an officer of that office, or the office is hosted elsewhere"), (409, "the record is here: record the passage on the movement")]).json(schema_of::<cats_app::ice::fallback::Fallback>),
            post(ice::record_fallback),
        ),
        (
            op!(Get "/ice/fallback", "ice", "officer, admin", true, Body::None,
            "Passages recorded from paper, newest first, with their status (pending, applied, refused) and outcome.",
            [(200, "count, passages"), (403, "not an officer or administrator")]).json(schema_of::<crate::handlers::ice::FallbackList>),
            get(ice::fallbacks),
        ),
        (
            op!(Post "/movements/departures/{id}/recovery-requests", "ice", "officer of the office of departure's country", true, Body::Schema(schema_of::<crate::handlers::ice::RecoveryRequestBody>),
            "During the enquiry or the recovery, ask another country of the ICE network to recover the debt there (CD150C request for recovery, audited): `{country, reason}`.",
            [(200, "the movement, with recoveryRequests"), (400, "no reason, or a country no peer hosts"), (403, "not an officer of the departure's country"), (404, "unknown or not visible"), (409, "not under enquiry or recovery, a copy, or asked already")]).json(schema_of::<crate::views::MovementView>),
            post(ice::request_recovery),
        ),
        (
            op!(Post "/movements/departures/{id}/recovery-answer", "ice", "officer of the country asked", true, Body::Schema(schema_of::<crate::handlers::ice::RecoveryAnswerBody>),
            "Answer a request for recovery from the node of departure (CD151C response, audited): `{accept, reason}` (a refusal says why).",
            [(200, "the movement, with recoveryRequests"), (400, "a refusal without a reason"), (403, "not an officer of the country asked"), (404, "unknown or not visible"), (409, "no request waits")]).json(schema_of::<crate::views::MovementView>),
            post(ice::answer_recovery),
        ),
        (
            op!(Get "/ice/movements/{mrn}", "ice", "officer", true, Body::None,
            "Ask the node of departure of an MRN (the country in the MRN) for the movement as it stands there (CD027C movement query, answered at once with the CD038C content): for goods presented with a transit accompanying document whose record this node does not have. Answered here when this node is the node of departure.",
            [(200, "mrn, node, known, movementId, version, movement"), (400, "not an MRN"), (403, "not an officer, or no ICE network"), (404, "no node hosts the MRN's country"), (503, "the node of departure cannot answer now")]).json(schema_of::<cats_app::ice::query::MovementAnswer>),
            get(ice::movement_at_departure),
        ),
        (
            op!(Post "/admin/restricted-goods", "admin", "admin", true,
            Body::Schema(schema_of::<admin::RestrictedBody>),
            "Replace the CATS restricted goods list (audited): prohibited goods are rejected at lodging (CATS012), individual-guarantee goods refused on a comprehensive guarantee (CATS013), always-controlled goods selected at every office.",
            [(200, "count, entries"), (400, "every problem with the list")]).json(schema_of::<crate::register_views::RestrictedSet>),
            post(admin::set_restricted),
        ),
        (
            op!(Get "/risk/feedback", "risk", "officer with the risk-analyst permission", true, Body::None,
            "Feedback over the movements touching the analyst's country (filter updatedSince): confusion matrix of CATS's selections against controls done, control efficiency (controlRate, hitRate, selectedHitRate, findingsCaught, precision, recall, controlEfficiency), per-profile hit rates, per-office control rates.",
            [(200, "movements, confusion, controlEfficiency, profileHitRates, officeControlRates"), (400, "updatedSince is not an RFC 3339 time")]).json(schema_of::<cats_app::risk_profiles::Feedback>),
            get(risk::feedback),
        ),
        (
            op!(Get "/risk/profiles", "risk", "officer with the risk-analyst permission", true, Body::None,
            "Risk profiles: the current version of each (retired ones included), with version, retired, changedBy, changedAt and the profile's criteria and action.",
            [(200, "count, profiles")]).json(schema_of::<crate::register_views::ProfileList>),
            get(risk::list),
        ),
        (
            op!(Post "/risk/profiles", "risk", "officer with the risk-analyst permission", true,
            Body::Schema(schema_of::<cats_domain::risk::RiskProfile>),
            "Add a risk profile (version 1; audited).",
            [(201, "the profile version"), (400, "invalid criteria: every problem"), (409, "the id is taken")]).json(schema_of::<crate::register_views::ProfileView>),
            post(risk::create),
        ),
        (
            op!(Get "/risk/profiles/{id}", "risk", "officer with the risk-analyst permission", true, Body::None,
            "A risk profile: its current version and every version, oldest first.",
            [(200, "the profile with versions"), (404, "unknown")]).json(schema_of::<crate::register_views::ProfileHistory>),
            get(risk::show),
        ),
        (
            op!(Post "/risk/profiles/{id}/versions", "risk", "officer with the risk-analyst permission", true,
            Body::Schema(schema_of::<risk::NewVersion>),
            "Change a risk profile: a new version (a retired profile comes back into force; audited).",
            [(201, "the new version"), (400, "invalid criteria or another id"), (404, "unknown"), (409, "the profile moved on from expectedVersion")]).json(schema_of::<crate::register_views::ProfileView>),
            post(risk::update),
        ),
        (
            op!(Post "/risk/profiles/{id}/retirement", "risk", "officer with the risk-analyst permission", true,
            Body::Schema(schema_of::<risk::Retirement>),
            "Retire a risk profile: a new version that no longer selects (audited).",
            [(201, "the retiring version"), (404, "unknown"), (409, "already retired, or moved on from expectedVersion")]).json(schema_of::<crate::register_views::ProfileView>),
            post(risk::retire),
        ),
        (
            op!(Post "/risk/profiles/{id}/share", "risk", "officer with the risk-analyst permission", true, Body::None,
            "Share the current version of a risk profile with every ICE peer (CA005C risk alert, audited): each keeps it as its own profile NODE-ID (e.g. KZ-P-0007), in force at once, or retired when it is retired here.",
            [(202, "peers told"), (403, "not a risk analyst, or no ICE network"), (404, "unknown")]).json(schema_of::<crate::handlers::ice::Told>),
            post(risk::share),
        ),
    ]
}
