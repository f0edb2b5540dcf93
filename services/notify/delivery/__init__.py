"""The delivery wing: from a decided mail to an SMTP server's answer.

`mailer` composes, renders (`mime`) and queues a mail in the delivery log; `due` tells this
replica's sender which mails to claim and when; `sender` claims each under a lease, hands it
to an SMTP connection (`smtp`) and records what the server said.
"""
