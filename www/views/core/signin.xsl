<?xml version="1.0" encoding="UTF-8"?>
<!--
  core/signin.xsl - the staff sign-in form.

  View document (core/server/corepages.c):
    <signin next="/patients/12">
      <username>typed name</username>?   kept after a refusal
      <error>The user name or password is not right.</error>?
    </signin>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="signin" mode="title">Sign in</xsl:template>

  <xsl:template match="signin" mode="content">
    <div class="panel narrow">
      <h1>Staff sign-in</h1>
      <xsl:if test="error">
        <p class="error-summary" role="alert" id="signin-error">
          <xsl:value-of select="error"/>
        </p>
      </xsl:if>
      <form method="post" action="/sign-in" class="stack">
        <xsl:call-template name="csrf-field"/>
        <input type="hidden" name="next" value="{@next}"/>
        <p class="field">
          <label for="username">User name</label>
          <input id="username" name="username" autocomplete="username" required="required"
                 maxlength="64" autocapitalize="none" spellcheck="false" value="{username}">
            <xsl:if test="error">
              <xsl:attribute name="aria-describedby">signin-error</xsl:attribute>
            </xsl:if>
          </input>
        </p>
        <p class="field">
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="current-password"
                 required="required" maxlength="128"/>
        </p>
        <p class="actions"><button type="submit">Sign in</button></p>
      </form>
      <p class="muted small">Patients and referral partners do not sign in here: the
        clinic sends them a personal link.</p>
    </div>
  </xsl:template>
</xsl:stylesheet>
