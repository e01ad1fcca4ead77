<?xml version="1.0" encoding="UTF-8"?>
<?cairn-audience admin?>
<!--
  core/users.xsl - staff accounts (admin only).

  View document (core/server/corepages.c):
    <users>
      <user username= name= role= role-label= disabled="yes|no" created=/>*
      <error field=><message/></error>?          after a refused add
      <typed username= display_name= role=/>?    what was typed, kept
    </users>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="users" mode="title">Staff accounts</xsl:template>

  <xsl:template match="users" mode="content">
    <h1>Staff accounts</h1>
    <table class="data">
      <caption class="sr-only">Staff accounts</caption>
      <thead><tr><th scope="col">User name</th><th scope="col">Name</th>
        <th scope="col">Role</th><th scope="col">State</th><th scope="col"><span class="sr-only">Action</span></th></tr></thead>
      <tbody>
        <xsl:for-each select="user">
          <tr>
            <td><code><xsl:value-of select="@username"/></code></td>
            <td><xsl:value-of select="@name"/></td>
            <td><xsl:value-of select="@role-label"/></td>
            <td><xsl:choose><xsl:when test="@disabled = 'yes'">disabled</xsl:when>
              <xsl:otherwise>active</xsl:otherwise></xsl:choose></td>
            <td>
              <form method="post" class="inline">
                <xsl:attribute name="action">
                  <xsl:text>/admin/users/</xsl:text>
                  <xsl:value-of select="@username"/>
                  <xsl:choose>
                    <xsl:when test="@disabled = 'yes'">/enable</xsl:when>
                    <xsl:otherwise>/disable</xsl:otherwise>
                  </xsl:choose>
                </xsl:attribute>
                <xsl:call-template name="csrf-field"/>
                <button type="submit" class="link">
                  <xsl:choose><xsl:when test="@disabled = 'yes'">Enable</xsl:when>
                    <xsl:otherwise>Disable</xsl:otherwise></xsl:choose>
                </button>
              </form>
            </td>
          </tr>
        </xsl:for-each>
      </tbody>
    </table>

    <h2 id="add">Add an account</h2>
    <xsl:if test="error">
      <p class="error-summary" role="alert" id="add-error"><xsl:value-of select="error/message"/></p>
    </xsl:if>
    <form method="post" action="/admin/users" class="stack narrow">
      <xsl:call-template name="csrf-field"/>
      <xsl:call-template name="text-field">
        <xsl:with-param name="name" select="'username'"/>
        <xsl:with-param name="label" select="'User name (a-z, 0-9, . _ -)'"/>
        <xsl:with-param name="auto" select="'off'"/>
      </xsl:call-template>
      <xsl:call-template name="text-field">
        <xsl:with-param name="name" select="'display_name'"/>
        <xsl:with-param name="label" select="'Full name'"/>
        <xsl:with-param name="auto" select="'name'"/>
      </xsl:call-template>
      <p class="field">
        <label for="role">Role</label>
        <select id="role" name="role">
          <option value="clinician">
            <xsl:if test="typed/@role = 'clinician' or not(typed)"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
            clinician</option>
          <option value="front-desk">
            <xsl:if test="typed/@role = 'front-desk'"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
            front desk</option>
          <option value="admin">
            <xsl:if test="typed/@role = 'admin'"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
            admin</option>
        </select>
      </p>
      <p class="field">
        <label for="password">Password (at least 10 characters)</label>
        <input id="password" name="password" type="password" autocomplete="new-password"
               minlength="10" maxlength="128" required="required">
          <xsl:if test="error/@field = 'password'">
            <xsl:attribute name="aria-invalid">true</xsl:attribute>
            <xsl:attribute name="aria-describedby">add-error</xsl:attribute>
          </xsl:if>
        </input>
      </p>
      <p class="actions"><button type="submit">Add account</button></p>
    </form>
  </xsl:template>

  <xsl:template name="text-field">
    <xsl:param name="name"/>
    <xsl:param name="label"/>
    <xsl:param name="auto"/>
    <p class="field">
      <label for="{$name}"><xsl:value-of select="$label"/></label>
      <input id="{$name}" name="{$name}" required="required" maxlength="128"
             autocomplete="{$auto}" value="{typed/@*[local-name() = $name]}">
        <xsl:if test="error/@field = $name">
          <xsl:attribute name="aria-invalid">true</xsl:attribute>
          <xsl:attribute name="aria-describedby">add-error</xsl:attribute>
        </xsl:if>
      </input>
    </p>
  </xsl:template>
</xsl:stylesheet>
