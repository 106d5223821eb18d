/*
 * stats.c - the statistics of `gsched compare`: a sample's mean with its
 * 95% confidence interval, and Welch's t-test of two means.
 *
 * A sample's mean has the interval mean +- t(0.975, n-1) s / sqrt(n)
 * (Student's t; s the sample standard deviation).  Two means are compared
 * with Welch's unequal-variance t-test: t = (mb - ma) / sqrt(va/na +
 * vb/nb) with the Welch-Satterthwaite degrees of freedom, two-sided.
 * Student's t distribution comes from the regularized incomplete beta
 * function, I_x(a, b) by its continued fraction (Lentz's method, as in
 * Numerical Recipes' betacf), and its quantiles by bisection on that: 200
 * halvings of [0, 1e6], far below the printed precision.  libm's lgamma
 * is the only outside help.  NaN values (a metric a run has no value for)
 * are left out of a sample.
 */
#include <math.h>

#include "an.h"

/* The continued fraction of the incomplete beta function (Lentz). */
static double betacf(double a, double b, double x)
{
	const double tiny = 1e-300;
	double c = 1, d = 1 - (a + b) * x / (a + 1);
	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	double h = d;
	for (int m = 1; m <= 300; m++) {
		double m2 = 2.0 * m;
		double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
		d = 1 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1 / d;
		h *= d * c;
		aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
		d = 1 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1 / d;
		double del = d * c;
		h *= del;
		if (fabs(del - 1) < 1e-14)
			break;
	}
	return h;
}

/* The regularized incomplete beta function I_x(a, b). */
static double ibeta(double a, double b, double x)
{
	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	double lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log(1 - x);
	if (x < (a + 1) / (a + b + 2))
		return exp(lbt) * betacf(a, b, x) / a;
	return 1 - exp(lbt) * betacf(b, a, 1 - x) / b;
}

/* P(|T| >= t) for Student's t with df degrees of freedom. */
double an_t_two_sided(double t, double df)
{
	return ibeta(df / 2, 0.5, df / (df + t * t));
}

/* The t with P(T <= t) = p (p > 0.5), by bisection. */
double an_t_quantile(double p, double df)
{
	double lo = 0, hi = 1e6;
	for (int i = 0; i < 200; i++) {
		double mid = (lo + hi) / 2;
		if (1 - an_t_two_sided(mid, df) / 2 < p)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

struct an_sample an_sample_of(const double *x, int nx)
{
	struct an_sample s = {NAN, NAN, NAN, 0};
	double sum = 0;
	for (int i = 0; i < nx; i++)
		if (!isnan(x[i])) {
			sum += x[i];
			s.n++;
		}
	if (s.n == 0)
		return s;
	s.mean = sum / s.n;
	if (s.n < 2)
		return s;
	double ss = 0;
	for (int i = 0; i < nx; i++)
		if (!isnan(x[i]))
			ss += (x[i] - s.mean) * (x[i] - s.mean);
	s.var = ss / (s.n - 1);
	s.ci = an_t_quantile(0.975, s.n - 1) * sqrt(s.var / s.n);
	return s;
}

struct an_welch an_welch_of(struct an_sample a, struct an_sample b)
{
	struct an_welch w = {b.mean - a.mean, NAN, NAN, NAN, NAN};
	if (a.n < 2 || b.n < 2)
		return w;
	double va = a.var / a.n, vb = b.var / b.n, se2 = va + vb;
	if (se2 == 0) { /* both constant: equal, or different for certain */
		w.ci = 0;
		w.p = w.diff == 0 ? 1 : 0;
		return w;
	}
	w.t = w.diff / sqrt(se2);
	w.df = se2 * se2 / (va * va / (a.n - 1) + vb * vb / (b.n - 1));
	w.p = an_t_two_sided(fabs(w.t), w.df);
	w.ci = an_t_quantile(0.975, w.df) * sqrt(se2);
	return w;
}
