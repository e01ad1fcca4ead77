<?xml version="1.0" encoding="UTF-8"?>
<!--
  program/patient-link.xsl - the staff page of an episode's personal
  link and the patient's diary (plugins/program/patient_link.c).

    <patient-link>
      <patient .../> <episode id= href=/>
      <link issued= expires= email= diary= revoke= url=?/>?   url: once,
                                  just after issuing
      <form id="patient-link" .../>
      <entry id= date= instrument= score= status= error=/>*
    </patient-link>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="../form-lib.xsl"/>

  <xsl:template match="patient-link" mode="title">Patient's page: <xsl:value-of select="patient/@name"/></xsl:template>

  <xsl:template match="patient-link" mode="content">
    <p class="muted small">
      <a href="{patient/@href}"><xsl:value-of select="patient/@name"/></a>
      <xsl:text> / </xsl:text>
      <a href="{episode/@href}">Episode <xsl:value-of select="episode/@id"/></a>
      <xsl:text> /</xsl:text>
    </p>
    <h1>The patient's own page</h1>
    <xsl:choose>
      <xsl:when test="link">
        <xsl:for-each select="link">
          <xsl:if test="@url">
            <div class="panel">
              <h2>The new link</h2>
              <p>It was emailed to <xsl:value-of select="@email"/>. It is shown here once: copy it now if the patient needs it another way.</p>
              <p class="copy-full"><code><xsl:value-of select="@url"/></code></p>
              <p><label for="patient-url">The patient's link, to select and copy</label></p>
              <p><input id="patient-url" class="copy-source" type="text" readonly="readonly" value="{@url}"/></p>
              <p class="copy-slot"></p>
            </div>
          </xsl:if>
          <p>
            <xsl:text>A link is active: issued </xsl:text><xsl:value-of select="@issued"/>
            <xsl:text>, works until </xsl:text><xsl:value-of select="@expires"/>
            <xsl:text> and 90 days after each time the patient uses it</xsl:text>
            <xsl:text>, sent to </xsl:text><xsl:value-of select="@email"/>
            <xsl:text>; the diary asks </xsl:text><xsl:value-of select="@diary"/><xsl:text>.</xsl:text>
          </p>
          <xsl:if test="$staff-role = 'clinician'">
            <form method="post" action="{@revoke}">
              <xsl:call-template name="csrf-field"/>
              <button type="submit" class="secondary">Revoke the link</button>
            </form>
          </xsl:if>
        </xsl:for-each>
      </xsl:when>
      <xsl:otherwise><p>The patient has no active link.</p></xsl:otherwise>
    </xsl:choose>
    <h2>Issue a link</h2>
    <xsl:choose>
      <xsl:when test="$staff-role = 'clinician'">
        <xsl:apply-templates select="form" mode="form"/>
      </xsl:when>
      <xsl:otherwise><p class="muted">A clinician issues the patient's link.</p></xsl:otherwise>
    </xsl:choose>

    <h2>The patient's diary</h2>
    <p class="muted small">Reported by the patient (performer: the patient); kept apart from the clinic's measurements and from /outcomes.</p>
    <xsl:choose>
      <xsl:when test="entry">
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col">Date</th><th scope="col">Measure</th><th scope="col">Score</th><th scope="col">Status</th><th scope="col"><span class="sr-only">Action</span></th></tr></thead>
            <tbody>
              <xsl:for-each select="entry">
                <tr>
                  <th scope="row"><xsl:value-of select="@date"/></th>
                  <td><xsl:value-of select="@instrument"/> <span class="badge">patient-reported</span></td>
                  <td><xsl:value-of select="@score"/></td>
                  <td><xsl:value-of select="@status"/></td>
                  <td>
                    <xsl:if test="@status != 'entered-in-error' and $staff-role = 'clinician'">
                      <form method="post" action="{@error}">
                        <xsl:call-template name="csrf-field"/>
                        <button type="submit" class="link">Mark entered in error</button>
                      </form>
                    </xsl:if>
                  </td>
                </tr>
              </xsl:for-each>
            </tbody>
          </table>
        </div>
      </xsl:when>
      <xsl:otherwise><p class="muted">No diary entries yet.</p></xsl:otherwise>
    </xsl:choose>
    <script src="/static/copy.js"></script>
  </xsl:template>
</xsl:stylesheet>
