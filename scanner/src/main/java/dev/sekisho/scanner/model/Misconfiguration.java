package dev.sekisho.scanner.model;

import dev.sekisho.api.v1alpha1.Severity;

/**
 * An image configuration finding (root user, latest tag, forbidden port, no healthcheck, …).
 *
 * @param checkId stable id, e.g. config/root-user
 * @param severity severity
 * @param title short title
 * @param detail what exactly was seen
 */
public record Misconfiguration(String checkId, Severity severity, String title, String detail) {}
