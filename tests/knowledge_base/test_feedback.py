from __future__ import annotations

from pathlib import Path

from knowledge_base.feedback import FeedbackStore, normalise_question


def test_feedback_survives_a_new_store_on_the_same_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'kb.sqlite'}"
    store = FeedbackStore(url)
    query_id = store.record_query("How do I close?", "closing-a-channel", 0.7, True)
    assert store.record_feedback(query_id, helpful=False)
    store.close()

    reopened = FeedbackStore(url)
    assert reopened.feedback_for(query_id) == [False]
    assert not reopened.record_feedback("missing", helpful=True)


def test_gaps_list_unanswered_questions_most_frequent_first(tmp_path: Path) -> None:
    store = FeedbackStore(f"sqlite:///{tmp_path / 'kb.sqlite'}")
    for _ in range(3):
        store.record_query("Can I pay with PayPal?", None, 0.2, False)
    store.record_query("can i pay with paypal", None, 0.2, False)
    store.record_query("Is there a mobile app?", None, 0.3, False)
    answered = store.record_query("what is a drop", "xrp-and-drops", 0.8, True)
    unhelpful = store.record_query("why was I charged twice", "cumulative-claims", 0.6, True)
    store.record_feedback(answered, helpful=True)
    store.record_feedback(unhelpful, helpful=False)

    gaps = store.gaps()
    assert [normalise_question(g.question) for g in gaps] == [
        "can i pay with paypal",
        "why was i charged twice",
        "is there a mobile app",
    ] or [normalise_question(g.question) for g in gaps] == [
        "can i pay with paypal",
        "is there a mobile app",
        "why was i charged twice",
    ]
    assert gaps[0].asked == 4 and gaps[0].unanswered == 4
    flagged = next(g for g in gaps if g.question == "why was I charged twice")
    assert flagged.not_helpful == 1 and flagged.unanswered == 0
