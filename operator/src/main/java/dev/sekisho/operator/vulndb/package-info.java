/** The vulnerability database the operator keeps: the current one, its updates, re-matching. */
package dev.sekisho.operator.vulndb;
