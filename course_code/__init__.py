"""Shared code of the course: every equation of the book, implemented and tested.

The layers of the package
-------------------------

The package is a house of floors. A module may import from the floors below it
and from its own subpackage; never from a floor above, and, on floors 1 to 3,
never sideways into another subpackage of its own floor (``scratch`` and ``data``
do not import each other). ``tests/test_layers.py`` fails when an import breaks this rule.

=====  ================================================  ===============================================
floor  modules                                           what lives there
=====  ================================================  ===============================================
0      ``shapes``, ``masking``, ``reproducibility``,     the shape letters and every input check,
       ``checks``, ``sweeps``, ``seed_summary``          length masks, seeding, gradient checks and
                                                         torch parity, running seeds in parallel
1      ``scratch``, ``nn``, ``data``                     NumPy implementations from the equations;
                                                         ``torch.nn`` modules from the same equations;
                                                         data sets and padding
2      ``training``                                      the training loop, batches, metrics, masked
                                                         losses, checkpoints
3      ``models``                                        models built from ``nn`` and the runs of the
                                                         book's experiments
4      ``plots``, ``grading``, ``examples``, and         figures, the exercise grader, worked examples
       anything not listed
=====  ================================================  ===============================================

Inside ``nn``, every recurrent stack is one base,
:class:`course_code.nn.recurrent.RecurrentStack`, with a cell plugged in
(:mod:`course_code.nn.rnn`, :mod:`~course_code.nn.gru`, :mod:`~course_code.nn.lstm`); the
fast loops live apart, in :mod:`course_code.nn.fused`. Inside ``scratch``, the readable
step functions the book shows sit beside the fused sequence loops that make them fast.

Two conventions hold everywhere: bad input raises ``ValueError`` (or a ``TypeError``
for a wrong type) naming the argument and what was expected, through the checks of
:mod:`course_code.shapes`; and a padded batch is read by *selecting* its real steps
(:mod:`course_code.masking`), never by multiplying with a mask, so padding cannot
reach an output or a gradient.
"""
