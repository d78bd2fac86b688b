<#ftl output_format="plainText">
${msg("idpWelcomePasswordBody", realmName, email, password, signInUrl)}
