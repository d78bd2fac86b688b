package dev.idp.keycloak.onboarding;

import org.keycloak.Config;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/** Registers the `onboarding` required action and reads its configuration once. */
public final class OnboardingRequiredActionFactory implements RequiredActionFactory {
    private static final OnboardingRequiredAction ACTION = new OnboardingRequiredAction();

    @Override
    public RequiredActionProvider create(KeycloakSession session) {
        return ACTION;
    }

    @Override
    public void init(Config.Scope config) {
        OnboardingSettings.configure(config);
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return OnboardingRequiredAction.ID;
    }

    @Override
    public String getDisplayText() {
        return "Onboarding";
    }
}
