"""`{% options %}` (netcrm/templatetags/choices.py): a select's options, escaped as the
template language would escape them."""

from django.template import Context, Template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from netcrm.templatetags.choices import options


def test_values_and_labels_are_escaped_and_the_chosen_one_is_selected():
    html = options([(1, "Smith & <Sons>"), (2, 'O\'Brien "Ltd"'), ("a<b", "x")], 2)
    assert html == (
        '<option value="1">Smith &amp; &lt;Sons&gt;</option>'
        '<option value="2" selected>O&#x27;Brien &quot;Ltd&quot;</option>'
        '<option value="a&lt;b">x</option>'
    )


def test_the_same_text_as_djangos_own_escaping():
    label = "Ça & \"co\" <b>'"
    assert options([(label, label)]) == (
        f'<option value="{conditional_escape(label)}">{conditional_escape(label)}</option>'
    )


def test_what_is_marked_safe_stays_as_it_is():
    assert options([(1, mark_safe("A &amp; B"))]) == '<option value="1">A &amp; B</option>'


def test_a_value_that_is_its_own_label_and_a_selected_id_given_as_text():
    assert options(["mentor", "peer"], "peer") == (
        '<option value="mentor">mentor</option><option value="peer" selected>peer</option>'
    )
    assert 'value="7" selected' in options([(7, "Acme")], "7")


def test_in_a_template_nothing_is_escaped_twice():
    html = Template("{% load choices %}{% options pairs chosen %}").render(
        Context({"pairs": [(1, "R&D")], "chosen": None})
    )
    assert html == '<option value="1">R&amp;D</option>'
