package dev.idp.keycloak.look;

import java.net.URI;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Response;
import org.keycloak.models.KeycloakSession;
import org.keycloak.services.resource.RealmResourceProvider;

/**
 * /realms/{realm}/idp-look/style.css and /favicon: the tenant's look for the one shared theme.
 * Keycloak's login pages load them through the theme's js/look.js, the service's pages link them.
 */
public class LookResource implements RealmResourceProvider {
    private static final int MAX_AGE_SECONDS = 60;
    private final KeycloakSession session;

    LookResource(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public Object getResource() {
        return this;
    }

    private Look look() {
        return Look.parse(session.getContext().getRealm().getAttribute(Look.REALM_ATTRIBUTE));
    }

    private static CacheControl shortCache() {
        CacheControl cache = new CacheControl();
        cache.setMaxAge(MAX_AGE_SECONDS);
        return cache;
    }

    @GET
    @Path("style.css")
    public Response style() {
        return Response.ok(look().css(), "text/css; charset=utf-8").cacheControl(shortCache()).build();
    }

    @GET
    @Path("favicon")
    public Response favicon() {
        return look().faviconUrl()
                .map(url -> Response.status(Response.Status.FOUND).location(URI.create(url)).cacheControl(shortCache()))
                .orElseGet(() -> Response.status(Response.Status.NOT_FOUND))
                .build();
    }

    @Override
    public void close() {
    }
}
