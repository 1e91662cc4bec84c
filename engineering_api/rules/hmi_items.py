"""The items of an HMI screen and the tags they use: what the HMI compile checks and the screen renderer draws.

Apart from :mod:`engineering_api.rules.hmi_render` because the compile needs them and not Pillow: the in-process
TIA model compiles HMI devices in the checker's light install (``test run``), which has no Pillow.
"""

from __future__ import annotations

from simatic_xml import hmi as sx

__all__ = ("animation_tag", "item_tags", "screen_items_deep", "tag_name")


def tag_name(link: str) -> str:
    """An HMI tag reference as a name: TIA may write it quoted (``"Motor_speed"``)."""
    text = link.strip()
    return text[1:-1] if len(text) > 1 and text[0] == text[-1] == '"' else text


def animation_tag(animation: sx.HmiObject) -> str | None:
    """The tag an appearance animation's trigger watches, if any."""
    for trigger in animation.objects("Hmi.Dynamic.TagElementTrigger"):
        tag = trigger.link("Tag")
        if tag:
            return tag_name(tag)
    return None


def item_tags(item: sx.HmiObject) -> list[str]:
    """The HMI tags an item uses: the one its ``ProcessValue`` shows and those its appearance animations
    (``Hmi.Dynamic.RangeAppearanceAnimation`` → ``TagElementTrigger``) watch."""
    shown = sx.item_tag(item)
    tags = [tag_name(shown)] if shown else []
    tags += [t for t in (animation_tag(a) for a in item.objects("Hmi.Dynamic.RangeAppearanceAnimation")) if t]
    return tags


def screen_items_deep(screen: sx.HmiObject, *, visible_only: bool = False) -> list[sx.HmiObject]:
    """The screen's items, layer by layer, with each group's members after the group (``visible_only``: leave out
    the members of a group whose ``Visible`` is false, as Runtime hides them with it)."""
    items, pending = [], list(sx.screen_items(screen))
    while pending:
        item = pending.pop(0)
        items.append(item)
        hidden = visible_only and (item.attr("Visible") or "true").lower() == "false"
        if item.element == "Hmi.Screen.Group" and not hidden:
            pending[:0] = [m for m in item.objects() if m.element.startswith("Hmi.Screen.")
                           and m.element != "Hmi.Screen.Property"]
    return items
