"""`dialogues dlq list|replay`: what ran out of deliveries, and putting it back once fixed.

A replay goes back only to the stream and consumer a letter came from (shared.dlq); a letter
that is not what it says is refused, named, and left in the DLQ, and the exit status is 1.
"""

from __future__ import annotations

import argparse
import asyncio

from cli.endpoints import local_settings
from shared.bus import make_broker
from shared.dlq import ReplayRefused, read_dead_letters, replay_dead_letter
from shared.settings import Settings


def run_dlq(args: argparse.Namespace) -> int:
    """List or replay dead letters; the exit status says whether it worked."""
    settings = local_settings("dlq")
    return asyncio.run(_run(args, settings))


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    broker = make_broker(settings, client_name="dialogues-dlq")
    try:
        async with asyncio.timeout(10):
            await broker.connect()
        letters = await read_dead_letters(broker)
        if args.dlq_command == "list":
            if not letters:
                print("The dead-letter stream is empty.")
            for letter in letters:
                print(f"{letter.sequence:>6}  {letter.time[:19]}  {letter.consumer}  "
                      f"{letter.subject}  deliveries={letter.deliveries}  "
                      f"event={letter.event_id}  reason: {letter.reason}")
            return 0
        chosen = [letter for letter in letters
                  if args.all or letter.sequence in set(args.sequences)]
        if args.consumer:
            chosen = [letter for letter in chosen if letter.consumer == args.consumer]
        refused = 0
        for letter in chosen:
            try:
                await replay_dead_letter(broker, letter)
            except ReplayRefused as refusal:
                refused += 1
                print(f"refused {letter.sequence}: {refusal}; it stays in the DLQ")
                continue
            print(f"replayed {letter.sequence} on {letter.subject}")
        missing = set(args.sequences) - {letter.sequence for letter in letters}
        for sequence in sorted(missing):
            print(f"no dead letter {sequence}")
        return 1 if missing or refused else 0
    except (TimeoutError, OSError) as error:
        print(f"dialogues dlq: NATS did not answer ({type(error).__name__}); check NATS_URL.")
        return 1
    finally:
        await broker.stop()
