package dev.idp.keycloak.accounts;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
 *
 * <p>Each account carries its status (organization attribute {@value #STATUS_ATTRIBUTE}; none means
 * active) with the reason and a trial's end where set. On an API client's mapper (config
 * {@value #API_TOKEN_CONFIG}), accounts whose status gives no API token are left out. A token got
 * by exchanging a personal access token names, in a user-session note, the accounts the token may
 * reach and the role it is capped at; only those appear.
 */
public class AccountsClaimMapper extends AbstractOIDCProtocolMapper
        implements OIDCAccessTokenMapper, OIDCIDTokenMapper, UserInfoTokenMapper, TokenIntrospectionTokenMapper {

    public static final String ID = "idp-accounts-mapper";
    public static final String CLAIM = "accounts";
    public static final String ROLES_GROUP = "roles";
    public static final String PROJECTS_GROUP = "projects";
    public static final String NAME_ATTRIBUTE = "accountName";
    public static final String STATUS_ATTRIBUTE = "accountStatus";
    public static final String REASON_ATTRIBUTE = "accountStatusReason";
    public static final String TRIAL_ENDS_ATTRIBUTE = "trialEndsAt";
    public static final String API_BLOCKING_STATUSES = "suspended,closed";
    public static final String API_TOKEN_CONFIG = "idp.api.token";
    /** Session note: the accounts an exchanged personal access token reaches, "id=role" or "id=", comma-separated. */
    public static final String PAT_ACCOUNTS_NOTE = "idp.pat.accounts";
    private static final String MEMO_PREFIX = "idp.accounts.claim/";
    private static final Set<String> BLOCKING = Set.of(API_BLOCKING_STATUSES.split(","));

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
        ProviderConfigProperty apiToken = new ProviderConfigProperty(API_TOKEN_CONFIG, "API client",
                "Leave out accounts whose status gives no API token (suspended, closed).",
                ProviderConfigProperty.BOOLEAN_TYPE, "false");
        return List.of(apiToken);
    }

    /** The account's status; an organization without the attribute predates statuses and is active. */
    static String status(OrganizationModel org) {
        String status = first(org, STATUS_ATTRIBUTE);
        return status == null || status.isBlank() ? "active" : status;
    }

    private static String first(OrganizationModel org, String attribute) {
        List<String> values = org.getAttributes().get(attribute);
        return values != null && !values.isEmpty() ? values.get(0) : null;
    }

    /** The note's "id=role" pairs; null when the session is not an exchanged personal access token's. */
    static Map<String, String> patAccounts(String note) {
        if (note == null) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        Arrays.stream(note.split(",")).filter(pair -> pair.contains("=")).forEach(pair -> {
            int at = pair.indexOf('=');
            out.put(pair.substring(0, at), pair.substring(at + 1));
        });
        return out;
    }

    @Override
    protected void setClaim(IDToken token, ProtocolMapperModel mapping, UserSessionModel userSession,
                            KeycloakSession session, ClientSessionContext clientSessionCtx) {
        if (!session.getContext().getRealm().isOrganizationsEnabled()) {
            return;
        }
        // One request mints the access token and the ID token (and may answer userinfo): the claim
        // is read from the store once per request, not once per token.
        String memo = MEMO_PREFIX + mapping.getId() + "/" + userSession.getId();
        Object known = session.getAttribute(memo);
        if (known instanceof List<?> claim) {
            token.getOtherClaims().put(CLAIM, claim);
            return;
        }
        OrganizationProvider organizations = session.getProvider(OrganizationProvider.class);
        if (organizations == null) {
            return;
        }
        UserModel user = userSession.getUser();
        boolean apiToken = "true".equals(mapping.getConfig().get(API_TOKEN_CONFIG));
        Map<String, String> reach = patAccounts(userSession.getNote(PAT_ACCOUNTS_NOTE));
        List<Map<String, Object>> accounts = new ArrayList<>();
        organizations.getByMember(user).filter(OrganizationModel::isEnabled)
                .filter(org -> !((apiToken || reach != null) && BLOCKING.contains(status(org))))
                .filter(org -> reach == null || reach.containsKey(org.getId()))
                .forEach(org -> {
                    Map<String, Object> account = account(organizations, org, user);
                    String cap = reach == null ? "" : reach.get(org.getId());
                    if (!cap.isEmpty()) {
                        // The token was limited to this account role (never above the holder's own,
                        // checked by the service when the token was made and again at the exchange);
                        // it reaches no project roles, as at the service's introspection.
                        account.put("roles", List.of(cap));
                        account.put("projects", List.of());
                    }
                    accounts.add(account);
                });
        List<Map<String, Object>> claim = Collections.unmodifiableList(accounts);
        session.setAttribute(memo, claim);
        token.getOtherClaims().put(CLAIM, claim);
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
        account.put("status", status(org));
        String reason = first(org, REASON_ATTRIBUTE);
        if (reason != null && !reason.isBlank()) {
            account.put("status_reason", reason);
        }
        String trialEnds = first(org, TRIAL_ENDS_ATTRIBUTE);
        if (trialEnds != null && !trialEnds.isBlank()) {
            account.put("trial_ends_at", trialEnds);
        }
        return account;
    }
}
