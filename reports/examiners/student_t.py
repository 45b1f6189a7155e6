"""Student's t distribution's two-sided p-value, for the examiners' one-sample t-test.

The project has no scipy (a large dependency for one function): the p-value is the regularized
incomplete beta function, I_x(a, b), computed by its continued fraction (Lentz's method, as in
Numerical Recipes, "betacf"; Cephes' incbet uses the same expansion). For t with df degrees of
freedom, P(|T| >= |t|) = I_{df / (df + t²)}(df / 2, 1/2).
"""

import math

_EPSILON = 1e-15
_TINY = 1e-300
_MAX_TERMS = 300


def _continued_fraction(a, b, x):
    """The continued fraction of I_x(a, b), converging fast for x < (a + 1) / (a + b + 2)."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, _MAX_TERMS + 1):
        m2 = 2 * m
        # The even step, then the odd one, of the fraction's terms.
        for numerator in (
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > _TINY else _TINY)
            c = 1.0 + numerator / c
            c = c if abs(c) > _TINY else _TINY
            step = d * c
            h *= step
        if abs(step - 1.0) < _EPSILON:
            break
    return h


def incomplete_beta(a, b, x):
    """The regularized incomplete beta function I_x(a, b), for a, b > 0 and 0 <= x <= 1."""
    if not 0.0 <= x <= 1.0:
        raise ValueError("x must lie in [0, 1]")
    if x in (0.0, 1.0):
        return x
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    front = math.exp(log_front)
    # The fraction converges on one side of the mean; the symmetry I_x(a, b) = 1 - I_1-x(b, a)
    # gives the other.
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _continued_fraction(a, b, x) / a
    return 1.0 - front * _continued_fraction(b, a, 1.0 - x) / b


def two_sided_p(t, df):
    """P(|T| >= |t|) for Student's t with `df` degrees of freedom (df > 0)."""
    if df <= 0:
        raise ValueError("df must be positive")
    if math.isinf(t):
        return 0.0
    return min(1.0, incomplete_beta(df / 2.0, 0.5, df / (df + t * t)))
