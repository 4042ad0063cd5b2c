# CATS web pages: English (the reference locale; every key here is in every locale).

app-name = CATS
app-tagline = Customs transit for Central Asia and the Caucasus
skip-to-content = Skip to content

# Languages, each in its own language, as the switch shows them
lang-en = English
lang-ru = Русский
lang-az = Azərbaycanca
lang-ka = ქართული
lang-kk = Қазақша
language = Language
language-submit = Change language

# Who is signed in
signed-in-as = Signed in as { $user }
sign-out = Sign out
role-trader = Trader
role-insurer = Insurer
role-officer = Customs officer
role-admin = Administrator
role-risk-analyst = risk analyst
company = Company
offices-of = Offices of { $country }

# Sign-in
sign-in-title = Sign in
sign-in-intro = Sign in with the user name and password your administrator gave you.
sign-in-username = User name
sign-in-password = Password
sign-in-submit = Sign in
sign-in-wrong = The user name or the password is wrong.
sign-in-locked = Too many failed attempts: this account is locked until { $until }.
sign-in-disabled = This account is disabled. Ask your administrator.
sign-in-demo-hint = Demo node: each demo user's password is in demo-passwords.txt in the data directory.

# Navigation and home
nav-main = Main menu
nav-home = Home
nav-password = Change password
home-title = Home
home-welcome = Welcome, { $user }.
home-trader = Lodge transit declarations, follow your movements and your guarantees.
home-insurer = Submit insurance contracts and follow the guarantees you issued and their claims.
home-officer = Decide on declarations, record controls and follow the movements at your offices.
home-admin = Manage users, offices, reference data and exchange rates.
home-api = Software can do the same through the API: { $link }.

# Password
password-title = Change your password
password-current = Current password
password-new = New password
password-repeat = New password again
password-hint = At least { $min } characters, not your user name.
password-submit = Change password
password-changed = Your password was changed. Your other sessions have ended.
password-mismatch = The two new passwords differ.
password-too-short = The password must have at least { $min } characters.
password-is-username = The password must not be the user name.
password-wrong = The current password is wrong.

# Errors
error-title = Something went wrong
error-csrf = This form has expired or did not come from CATS. Reload the page and try again.
error-not-found = There is no such page.
error-back = Back to the home page

# Movements
nav-movements = Movements
not-allowed = This page is not for your role.
movements-title = Movements
movements-filter = Filter the movements
movements-any-state = Any state
movements-updated-since = Changed since
movements-apply = Apply
movements-none = No movement matches.
movements-count = { $count } movement(s)
movements-page = Page { $page } of { $pages }
movements-previous = Previous page
movements-next = Next page
movements-bad-date = Give the date as a day, e.g. 2026-03-03.
col-lrn = LRN
col-mrn = MRN
col-state = State
col-departure = Office of departure
col-destination = Office of destination
col-updated = Last change
movement-title = Movement { $id }
movement-summary = Summary
movement-holder = Holder of the transit procedure
movement-transit = Offices of transit
movement-exit = Offices of exit
movement-guarantee = Guarantee (GRN · amount)
movement-time-limit = Time limit for arrival
movement-released = Released for transit
movement-timeline = History
timeline-when = When (local time)
timeline-office = Office
timeline-what = Message or action
timeline-direction = Direction
direction-inbound = from the trader
direction-outbound = to the trader
direction-customs = customs action
message-title = Message { $type }
message-back = Back to the movement

# Movement states
state-Submitted = Submitted
state-Rejected = Rejected
state-Accepted = Accepted
state-GuaranteeNotValid = Guarantee not valid
state-UnderControl = Under control
state-ReleasedForTransit = Released for transit
state-NotReleased = Not released
state-Invalidated = Invalidated
state-Arrived = Arrived
state-GoodsReleased = Goods released at destination
state-Discrepancies = Discrepancies
state-UnderEnquiry = Under enquiry
state-UnderRecovery = Under recovery
state-WrittenOff = Written off

# Users (administrator)
nav-users = Users
users-title = Users
users-role = Role
users-scope = Company or country
users-status = Sign-in
users-actions = Actions
users-active = active
users-disabled = disabled
users-locked = locked after failed sign-ins
users-no-password = no password yet
users-reset-button = New password
users-disable = Disable
users-enable = Enable
users-new = New user
users-username-hint = 3 to 64 of a–z, 0–9, dot, hyphen, underscore.
users-company = Company (trader or insurer)
users-party-id = Identification number (EORI/TIN)
users-party-name = Company name
users-party-country = Country (ISO 3166, two letters)
users-officer = Customs officer
users-office-country = Country of the offices
users-create = Create the user
users-bad-role = Choose a role.
users-refused = The user was not created: { $why }
users-created = User { $user } created. First password, shown only now: { $password }
users-reset = New password for { $user }, shown only now: { $password }. Its sessions have ended.
users-was-disabled = { $user } is disabled; its sessions have ended.
users-was-enabled = { $user } may sign in again.

# Work queue (officers)
nav-queue = Work queue
queue-title = Work queue
queue-empty = Nothing waiting.
queue-decide = Declarations to decide
queue-controls = Controls pending
queue-expected = Movements expected
queue-arrived = Arrived
queue-overdue = Overdue past the time limit
queue-discrepancies = Discrepancies to resolve

# Customs actions on the movement page
action-title = Customs action
action-what = Action
action-submit = Record the action
action-release = Release for transit
action-exit = Exit (goods leave the country)
action-entry = Entry (goods enter the country)
action-arrival = Arrival at destination
action-goods-release = Release of the goods at destination
action-resolve-discrepancies = Discrepancies resolved
action-refused = The action was refused: { $why }
action-no-office = Choose an office.
action-unknown = Choose an action.

# Contracts and notifications
nav-contracts = Insurance contracts
nav-notifications = Notifications
contracts-title = Insurance contracts
contracts-none = No insurance contract.
contracts-policy = Policy number
contracts-amount = Reference amount
contracts-period = Policy period
guarantee-submitted = submitted
guarantee-approved = approved, awaiting the access code
guarantee-active = active
guarantee-suspended = suspended
guarantee-revoked = revoked
guarantee-expired = expired
guarantee-rejected = rejected
notifications-title = Notifications
notifications-none = No notification.

action-control-decision = Decide a control
action-control-result = Record the result of a control
action-decide = Decide the control
action-record = Record the result
control-type = Kind of control
control-result = Result
control-remarks = Remarks
control-documentary = documentary check
control-physical = physical examination
control-scanning = scanning
control-seals = check of seals
result-A1 = A1 satisfactory
result-A2 = A2 considered satisfactory
result-B1 = B1 not satisfactory
