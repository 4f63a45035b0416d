/**
 * The built-in estimators ({@link dev.bursar.estimators.Estimators}): what a query will cost and how
 * likely it is to be answered right, scored in plain Java from fitted parameters.
 */
@NullMarked
package dev.bursar.estimators;

import org.jspecify.annotations.NullMarked;
