<?xml version="1.0" encoding="UTF-8"?>
<?cairn-audience admin?>
<!--
  core/audit.xsl - the audit trail, newest first, 50 to a page (admin only).

  View document (core/server/corepages.c):
    <audit actor=? patient=? page= more="yes"?>
      <entry seq= time= actor= role= method= route= path= patient=? record=?
             outcome= remote=/>*
    </audit>
  Values were escaped (\xNN for control characters) when logged, and the
  serializer escapes them again for HTML: markup in a logged value is text.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="audit" mode="title">Audit trail</xsl:template>

  <xsl:template match="audit" mode="content">
    <h1>Audit trail</h1>
    <form method="get" action="/admin/audit" class="search no-print">
      <p class="field inline">
        <label for="actor">Who</label>
        <input id="actor" name="actor" maxlength="64" value="{@actor}"/>
      </p>
      <p class="field inline">
        <label for="patient">Patient record</label>
        <input id="patient" name="patient" inputmode="numeric" maxlength="18" value="{@patient}"/>
      </p>
      <p class="actions inline"><button type="submit">Search</button></p>
    </form>
    <xsl:choose>
      <xsl:when test="not(entry)"><p class="muted">No entries match.</p></xsl:when>
      <xsl:otherwise>
        <table class="data small">
          <caption class="sr-only">Audit entries</caption>
          <thead><tr>
            <th scope="col">#</th><th scope="col">When (UTC)</th><th scope="col">Who</th>
            <th scope="col">Role</th><th scope="col">Request</th><th scope="col">Patient</th>
            <th scope="col">Record</th><th scope="col">Outcome</th><th scope="col">From</th>
          </tr></thead>
          <tbody>
            <xsl:for-each select="entry">
              <tr>
                <td class="num"><xsl:value-of select="@seq"/></td>
                <td><xsl:value-of select="translate(@time, 'TZ', ' ')"/></td>
                <td><xsl:value-of select="@actor"/></td>
                <td><xsl:value-of select="@role"/></td>
                <td><code><xsl:value-of select="concat(@method, ' ', @path)"/></code></td>
                <td>
                  <xsl:if test="@patient">
                    <a href="/admin/audit?patient={@patient}"><xsl:value-of select="@patient"/></a>
                  </xsl:if>
                </td>
                <td><xsl:value-of select="@record"/></td>
                <td><xsl:value-of select="@outcome"/></td>
                <td><xsl:value-of select="@remote"/></td>
              </tr>
            </xsl:for-each>
          </tbody>
        </table>
      </xsl:otherwise>
    </xsl:choose>
    <nav class="pager no-print" aria-label="Pages">
      <xsl:if test="@page &gt; 1">
        <a rel="prev" href="/admin/audit?page={@page - 1}&amp;actor={@actor}&amp;patient={@patient}">Newer</a>
      </xsl:if>
      <xsl:if test="@more = 'yes'">
        <a rel="next" href="/admin/audit?page={@page + 1}&amp;actor={@actor}&amp;patient={@patient}">Older</a>
      </xsl:if>
    </nav>
  </xsl:template>
</xsl:stylesheet>
