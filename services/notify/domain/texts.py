"""Every text a mail says, in English: the gettext message ids of the `mail` catalogs.

The translations live in `services/notify/locale/<lang>/LC_MESSAGES/mail.po`. After changing
a text here, refresh the template and the catalogs, then translate what became fuzzy or new:

    pybabel extract -k N_ -k NN_:1,2 --no-wrap -o services/notify/locale/mail.pot \
        services/notify/domain
    pybabel update -D mail -i services/notify/locale/mail.pot -d services/notify/locale \
        --no-wrap

Placeholders are python-format (`%(title)s`); a unit test checks every translation keeps them.
"""

from __future__ import annotations

from typing import NamedTuple

from services.notify.domain.model import MailKind


def N_(message: str) -> str:  # the marker gettext's tools look for
    """Mark `message` for extraction; it is translated where it is used."""
    return message


class Plural(NamedTuple):
    """A message whose words depend on a number (`ngettext`)."""

    singular: str
    plural: str


def NN_(singular: str, plural: str) -> Plural:  # extracted as `-k NN_:1,2`
    """Mark a singular and plural pair for extraction."""
    return Plural(singular, plural)


BRAND = N_("INGP Virtual Dialogues")
GREETING = N_("Hello %(name)s,")
GREETING_ANONYMOUS = N_("Hello,")
SIGNATURE = N_("The INGP Virtual Dialogues team — technical secretariat: OAS")
FOOTER_TRANSACTIONAL = N_(
    "You receive this message because you registered for an INGP Virtual Dialogue.")
FOOTER_MARKETING = N_("You receive this message because you subscribed to INGP updates.")
UNSUBSCRIBE = N_("Unsubscribe")

WHEN = N_("%(date)s, %(hours)s (%(zone)s, %(offset)s)")
"""A session's date and hours, each formatted by Babel, then its zone and UTC offset."""
WHEN_OVER_DAYS = N_("%(start)s – %(end)s (%(zone)s, %(offset)s)")
"""The same for a session that ends on another day."""
DEADLINE = N_("%(moment)s (%(zone)s, %(offset)s)")
"""A moment (a day and an hour) in the session's zone, named, with its UTC offset."""

LABEL_WHEN = N_("When")
LABEL_LANGUAGES = N_("Languages")
LABEL_INTERPRETATION = N_("Interpretation")
LABEL_FORMAT = N_("Format")
LABEL_JOIN = N_("Join the session")
LABEL_CALENDAR = N_("The attached invitation adds the session to your calendar.")
LABEL_CANCEL = N_(
    "Cannot attend? Cancel your registration so someone else can take your seat:")
LABEL_CANCEL_ACTION = N_("Cancel my registration")
LABEL_LEAVE_WAITLIST = N_("Leave the waiting list")
LABEL_MATERIALS = N_("Session materials")
LABEL_SESSION_PAGE = N_("Open the session page")
LABEL_OTHER_SESSIONS = N_("See upcoming sessions")
LABEL_DOCUMENT = N_("Read it")
LABEL_JOB = N_("Job")
LABEL_SOURCE_DOCUMENT = N_("Read the document to translate")
LABEL_CONFIRM_REGISTRATION = N_("Confirm my registration")
LABEL_MY_REGISTRATION = N_("See my registration")

SUBJECT: dict[MailKind, str] = {
    "confirmed": N_("Your seat is confirmed: %(title)s"),
    "promoted": N_("A seat opened up for you: %(title)s"),
    "waitlisted": N_("You are on the waiting list: %(title)s"),
    "pending": N_("Registration received: %(title)s"),
    "rejected": N_("About your registration: %(title)s"),
    "cancelled": N_("Registration cancelled: %(title)s"),
    "session_rescheduled": N_("New date and time: %(title)s"),
    "session_cancelled": N_("Session cancelled: %(title)s"),
    "reminder": N_("Reminder: %(title)s starts soon"),
    "attended": N_("Thank you for joining: %(title)s"),
    "no_show": N_("We missed you: %(title)s"),
    "subscription_confirm": N_("Please confirm your INGP subscription"),
    "document_published": N_("New in the INGP repository: %(title)s"),
    "document_translated": N_("Now available in another language: %(title)s"),
    "translation_job": N_("A translation is waiting for you: %(title)s"),
    "awaiting_confirmation": N_("Confirm your registration: %(title)s"),
    "already_registered": N_("You are already registered: %(title)s"),
    "materials_published": N_("Materials of %(title)s are available"),
    "certificate_issued": N_("Your certificate of attendance: %(title)s"),
    "session_message": N_("%(subject)s – %(title)s"),
    "session_announced": N_("New INGP Virtual Dialogue: %(title)s"),
    "invitation": N_("You are invited: %(title)s"),
    "staff_sign_in": N_("Your sign-in link to the INGP Virtual Dialogues staff pages"),
}
DIGEST_SUBJECT = NN_("Your INGP digest: %(count)s new in the repository",
                     "Your INGP digest: %(count)s new in the repository")

INTRO: dict[MailKind, str] = {
    "confirmed": N_('Your registration for "%(title)s" is confirmed. We look forward to '
                    "seeing you."),
    "promoted": N_('Good news: a seat opened up and your registration for "%(title)s" is now '
                   "confirmed."),
    "waitlisted": N_('"%(title)s" is full for now, so we have put you on the waiting list.'),
    "pending": N_('We received your registration for "%(title)s". The secretariat reviews '
                  "registrations for this session and will write to you soon."),
    "rejected": N_('We are sorry: your registration for "%(title)s" could not be accepted.'),
    "cancelled": N_('Your registration for "%(title)s" has been cancelled. Your seat is now '
                    "free for someone else."),
    "session_rescheduled": N_('"%(title)s" has been moved. The new date and time are below; '
                              "the attached invitation updates your calendar."),
    "session_cancelled": N_('We regret to tell you that "%(title)s" has been cancelled. The '
                            "attached notice removes it from your calendar."),
    "reminder": N_('This is a reminder that "%(title)s" starts soon. Here is everything you '
                   "need to join."),
    "no_show": N_('We missed you at "%(title)s". The materials and the recording will be in '
                  "the INGP knowledge repository, so you can catch up at any time."),
    "subscription_confirm": N_(
        "Someone (hopefully you) asked to receive INGP updates at this address. Confirm to "
        "start receiving them; if it was not you, ignore this message."),
    "document_published": N_('A new document matching your interests was published: '
                             '"%(title)s".'),
    "document_translated": N_('"%(title)s" is now available in %(language_name)s.'),
    "digest": N_("Here is what was published or translated in the INGP knowledge repository "
                 "on the topics you follow (%(count)s)."),
    "translation_job": N_('A new translation job (%(source)s → %(target)s) is ready for you: '
                          '"%(title)s".'),
    "awaiting_confirmation": N_('We received a registration for "%(title)s" with this e-mail '
                                "address. Please confirm that the address is yours by "
                                "%(deadline)s."),
    "already_registered": N_('Someone, probably you, tried to register this e-mail address for '
                             '"%(title)s" again. It is already registered, so nothing has '
                             "changed."),
    "materials_published": N_('The materials of "%(title)s" are now in the INGP knowledge '
                              "repository:"),
    "certificate_issued": N_('Your certificate of attendance for "%(title)s" is ready. '
                             "Download it from your registration page."),
    "session_message": N_('The secretariat writes to you about "%(title)s":'),
    "session_announced": N_('A new session on the topics you follow is open for '
                            'registration: "%(title)s".'),
    "invitation": N_('The technical secretariat of the INGP invites you to "%(title)s", a '
                     "session open by invitation only. Register with the button below."),
    "staff_sign_in": N_("Someone, probably you, asked to sign in to the staff pages of the "
                        "INGP Virtual Dialogues with this address."),
}
ATTENDED_INTRO = NN_(
    'Thank you for taking part in "%(title)s" (%(minutes)s minute). The materials and the '
    "recording will be in the INGP knowledge repository.",
    'Thank you for taking part in "%(title)s" (%(minutes)s minutes). The materials and the '
    "recording will be in the INGP knowledge repository.")

WAITLIST_POSITION = N_("Your place on the list: %(position)s. If a seat opens up, we will "
                       "write to you at once with the join link.")
REASON: dict[MailKind, str] = {
    "rejected": N_("Reason given by the secretariat: %(reason)s"),
    "session_cancelled": N_("Reason: %(reason)s"),
}
PREVIOUSLY = N_("Previously: %(previous)s")

HOLDS: dict[str, str] = {
    "seat": N_("Until then we hold a seat for you; if you do not confirm in time, it goes to "
               "the next person. The link to join is sent once you have confirmed."),
    "waiting_list": N_("Until then we keep your place on the waiting list: %(position)s."),
    "nothing": N_("Once you have confirmed, the secretariat reviews your registration and "
                  "writes to you."),
}
"""What a registration awaiting the confirmation of its address holds meanwhile."""
NOT_YOU = N_("If you did not register, ignore this message: the registration lapses and you "
             "will not hear from us about it again.")
STANDING: dict[str, str] = {
    "received": N_("Your registration is being processed; we will write to you when it is "
                   "done."),
    "confirmed": N_("Your seat is confirmed. Your registration page has the link to join."),
    "waitlisted": N_("You are on the waiting list, at place %(position)s."),
    "pending_approval": N_("Your registration awaits the secretariat's approval."),
    "awaiting_confirmation": N_("Your registration still awaits the confirmation of your "
                                "address: confirm it by %(deadline)s, or the place held for "
                                "you goes to someone else."),
    "rejected": N_("Your registration could not be accepted."),
}
"""The status of a registration, told to the owner of an address registered again."""
HOLD_LAPSED = N_("The time to confirm your registration is over, so the place held for you "
                 "goes to someone else. You may register again while registration is open.")
CONFIRM_SUBSCRIPTION = N_("Confirm my subscription")

MATERIALS_LATER = N_("Materials published later will be listed on the session page.")
"""Said in the materials mail, which goes once: later materials are not mailed."""
LABEL_CERTIFICATE_CODE = N_("Verification code")
LABEL_CERTIFICATE_LANGUAGES = N_("Written in")
LABEL_DOWNLOAD_CERTIFICATE = N_("Download my certificate")
LABEL_VERIFY_CERTIFICATE = N_("Verify this certificate")
CERTIFICATE_SUPERSEDES = N_("This certificate replaces the one issued to you earlier (code "
                            "%(previous)s), which is no longer valid.")
CERTIFICATE_VERIFY = N_("Anyone you show it to can check its code on the verification page.")
LABEL_SESSION_REGISTER = N_("See the session and register")
LABEL_ACCEPT_INVITATION = N_("Register with my invitation")
INVITATION_PERSONAL = N_("This link is yours alone: it lets one registration in, and stops "
                         "working when the session starts.")
FOOTER_INVITED = N_("You receive this message because the secretariat of the INGP Virtual "
                    "Dialogues invited you to a session.")

SIGN_IN = N_("Sign in")
SIGN_IN_ONCE = N_("The link works once, for %(minutes)s minutes. If you did not ask for it, "
                  "ignore this message: no one can sign in without it.")
FOOTER_STAFF = N_("You receive this message because you have a staff account on the INGP "
                  "Virtual Dialogues.")
LABEL_OPEN_JOB = N_("Open the job in the translators' editor")
