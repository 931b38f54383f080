package io.qforge.tenants;

import java.util.UUID;

/** The owner of models, datasets, jobs and artifacts; resolved from the request's API key. */
public record Tenant(UUID id, String name) {}
