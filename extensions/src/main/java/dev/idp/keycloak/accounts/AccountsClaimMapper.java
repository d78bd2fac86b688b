package dev.idp.keycloak.accounts;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.OrganizationModel;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.organization.OrganizationProvider;
import org.keycloak.protocol.oidc.mappers.AbstractOIDCProtocolMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAccessTokenMapper;
import org.keycloak.protocol.oidc.mappers.OIDCIDTokenMapper;
import org.keycloak.protocol.oidc.mappers.TokenIntrospectionTokenMapper;
import org.keycloak.protocol.oidc.mappers.UserInfoTokenMapper;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.representations.IDToken;

/**
 * The {@code accounts} claim: every enabled account (organization) the user is a member of, with
 * its number, name, the user's account roles and their projects with project roles. Everything comes
 * from Keycloak's own store (organization membership and organization groups), so a token is minted
 * with the service down. The service decides who may hold what; this only reads it.
 *
 * <p>Inside each organization: the group {@value #ROLES_GROUP} has one child per account role, and
 * {@value #PROJECTS_GROUP} one child per project (its id is the project id, its name the project's
 * name) with one child per project role. Being a member of a role group is holding that role.
 */
public class AccountsClaimMapper extends AbstractOIDCProtocolMapper
        implements OIDCAccessTokenMapper, OIDCIDTokenMapper, UserInfoTokenMapper, TokenIntrospectionTokenMapper {

    public static final String ID = "idp-accounts-mapper";
    public static final String CLAIM = "accounts";
    public static final String ROLES_GROUP = "roles";
    public static final String PROJECTS_GROUP = "projects";
    public static final String NAME_ATTRIBUTE = "accountName";

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayType() {
        return "Accounts and roles (idp)";
    }

    @Override
    public String getDisplayCategory() {
        return TOKEN_MAPPER_CATEGORY;
    }

    @Override
    public String getHelpText() {
        return "Adds the accounts claim: account id, number and name, account roles, projects and project roles.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return List.of();
    }

    @Override
    protected void setClaim(IDToken token, ProtocolMapperModel mapping, UserSessionModel userSession,
                            KeycloakSession session, ClientSessionContext clientSessionCtx) {
        if (!session.getContext().getRealm().isOrganizationsEnabled()) {
            return;
        }
        OrganizationProvider organizations = session.getProvider(OrganizationProvider.class);
        if (organizations == null) {
            return;
        }
        UserModel user = userSession.getUser();
        List<Map<String, Object>> accounts = new ArrayList<>();
        organizations.getByMember(user).filter(OrganizationModel::isEnabled)
                .forEach(org -> accounts.add(account(organizations, org, user)));
        token.getOtherClaims().put(CLAIM, accounts);
    }

    /**
     * A group at the top of an organization's own tree: Keycloak keeps those under one hidden group
     * per organization, so their parent is that root (or, should that change, nothing).
     */
    static boolean isTopOfOrganization(GroupModel group) {
        GroupModel parent = group.getParent();
        return parent == null || parent.getParent() == null;
    }

    static Map<String, Object> account(OrganizationProvider organizations, OrganizationModel org, UserModel user) {
        List<String> roles = new ArrayList<>();
        Map<String, Map<String, Object>> projects = new LinkedHashMap<>();
        organizations.getOrganizationGroupsByMember(org, user).forEach(group -> {
            GroupModel parent = group.getParent();
            if (parent == null) {
                return;
            }
            GroupModel grandparent = parent.getParent();
            if (isTopOfOrganization(parent) && ROLES_GROUP.equals(parent.getName())) {
                roles.add(group.getName());
            } else if (grandparent != null && isTopOfOrganization(grandparent)
                    && PROJECTS_GROUP.equals(grandparent.getName())) {
                Map<String, Object> project = projects.computeIfAbsent(parent.getId(), id -> {
                    Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put("id", id);
                    entry.put("name", parent.getName());
                    entry.put("roles", new ArrayList<String>());
                    return entry;
                });
                @SuppressWarnings("unchecked")
                List<String> projectRoles = (List<String>) project.get("roles");
                projectRoles.add(group.getName());
            }
        });
        Map<String, Object> account = new LinkedHashMap<>();
        account.put("id", org.getId());
        account.put("number", org.getAlias());
        List<String> names = org.getAttributes().get(NAME_ATTRIBUTE);
        account.put("name", names != null && !names.isEmpty() ? names.get(0) : org.getName());
        account.put("roles", roles);
        account.put("projects", new ArrayList<>(projects.values()));
        return account;
    }
}
