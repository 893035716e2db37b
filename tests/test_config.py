import pytest

from credit import config


def test_production_mode_requires_secrets():
    with pytest.raises(config.ConfigError) as exc:
        config.load({})
    message = str(exc.value)
    assert "CREDIT_SECRET_KEY" in message
    assert "生产模式必须设置" in message


def test_invalid_value_is_named():
    with pytest.raises(config.ConfigError) as exc:
        config.load({"CREDIT_DEBUG": "1", "CREDIT_RATE_LIMIT_PER_MINUTE": "many"})
    assert "CREDIT_RATE_LIMIT_PER_MINUTE" in str(exc.value)


def test_debug_mode_accepts_defaults():
    values = config.load({"CREDIT_DEBUG": "1"})
    assert values["DEBUG"] is True
    assert values["DATABASE_URL"].startswith("sqlite:///")


def test_task_runner_lines_stay_out_of_the_terminal_unless_debugging():
    """django-tasks' two INFO lines per task flooded `make run` after the demo import."""
    import logging

    assert logging.getLogger("django_tasks").getEffectiveLevel() == logging.WARNING
    assert logging.getLogger("credit.core.jobs").isEnabledFor(logging.INFO)
