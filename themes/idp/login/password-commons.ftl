<#import "field.ftl" as field>
<#-- "Sign out from other devices" under a new password, except on an account's first password
     (idpFirstPassword, set by the extension's FirstPasswordAwareUpdatePassword): a new account has
     no other devices, and the offer only puzzles someone activating it. -->
<#macro logoutOtherSessions>
  <#if !(idpFirstPassword??)>
    <div id="kc-form-options" class="${properties.kcFormOptionsClass!}">
      <div class="${properties.kcFormOptionsWrapperClass!}">
        <@field.checkbox name="logout-sessions" label=msg("logoutOtherSessions") value=false />
      </div>
    </div>
  </#if>
</#macro>
