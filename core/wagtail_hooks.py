"""Every registered action name is a Wagtail log action too, with the same label."""

from django.utils.module_loading import autodiscover_modules
from wagtail import hooks

from . import actions


@hooks.register("register_log_actions")
def register_action_names(log_actions):
    # The apps declare their actions in their services; make sure all of them are loaded.
    autodiscover_modules("services")
    for name in actions.names():
        log_actions.register_action(name.code, name.label, name.message)
