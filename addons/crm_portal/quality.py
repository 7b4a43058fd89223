"""The supervisor's quality control (seed 003): appeals the resident rated
2 or less wait on a list until the supervisor has looked into them."""
from trytond.model import ModelView
from trytond.pool import PoolMeta
from trytond.pyson import Eval

# A rating at or below it puts the appeal on the quality-control list
LOW_RATING = 2


def quality_domain():
    "The appeals on the quality-control list (also the action's domain)"
    return [
        ('rating', '!=', None),
        ('rating', '<=', LOW_RATING),
        ('quality_checked', '!=', True),
        ]


class Appeal(metaclass=PoolMeta):
    __name__ = 'crm.appeal'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'quality_check': {
                    'invisible': (Eval('quality_checked', False)
                        | ~Eval('rating')
                        | (Eval('rating', 0) > LOW_RATING)),
                    'depends': ['quality_checked', 'rating'],
                    },
                })

    @classmethod
    @ModelView.button
    def quality_check(cls, appeals):
        "The supervisor has looked into the low rating: off the list"
        cls.write(appeals, {'quality_checked': True})
