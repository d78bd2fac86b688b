<#import "template.ftl" as layout>
<@layout.emailLayout>
${kcSanitize(msg("idpWelcomePasswordBodyHtml", realmName, email, password, signInUrl))?no_esc}
</@layout.emailLayout>
