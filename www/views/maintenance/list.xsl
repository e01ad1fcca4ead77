<?xml version="1.0" encoding="UTF-8"?>
<!--
  maintenance/list.xsl - graduates to talk to about coming back, and
  check-ins due and not answered (GET /maintenance).
  View document (plugins/maintenance/reports.c):
    <maintenance-list talk=>
      <graduate episode= patient= name= plan= plan-state= verdict="held|talk|undefined"><verdict-text/></graduate>*
      <open-checkin record= episode= patient= name= months= due= state=/>*
    </maintenance-list>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="maintenance-list" mode="title">Maintenance</xsl:template>

  <xsl:template match="maintenance-list" mode="content">
    <h1>Maintenance</h1>
    <section class="panel">
      <h2>Talk about coming back (<xsl:value-of select="@talk"/>)</h2>
      <p>Computed from the check-ins against the plan's thresholds. Nobody
        is re-enrolled automatically: a clinician talks with the patient and
        decides.</p>
      <xsl:choose>
        <xsl:when test="graduate[@verdict = 'talk']">
          <ul>
            <xsl:for-each select="graduate[@verdict = 'talk']">
              <li class="talk"><xsl:call-template name="who"/> (episode <xsl:value-of select="@episode"/>): <xsl:value-of select="verdict-text"/></li>
            </xsl:for-each>
          </ul>
        </xsl:when>
        <xsl:otherwise><p>None.</p></xsl:otherwise>
      </xsl:choose>
      <xsl:if test="graduate[@verdict = 'undefined']">
        <h3>Cannot be judged</h3>
        <ul>
          <xsl:for-each select="graduate[@verdict = 'undefined']">
            <li class="undefined"><xsl:call-template name="who"/> (episode <xsl:value-of select="@episode"/>): <xsl:value-of select="verdict-text"/></li>
          </xsl:for-each>
        </ul>
      </xsl:if>
    </section>
    <section class="panel">
      <h2>Check-ins due, not answered</h2>
      <xsl:choose>
        <xsl:when test="open-checkin">
          <table>
            <thead><tr><th scope="col">Patient</th><th scope="col">Check-in</th><th scope="col">Due</th><th scope="col">State</th><xsl:if test="$staff-role = 'clinician' or $staff-role = 'admin'"><th scope="col">By phone</th></xsl:if></tr></thead>
            <tbody>
              <xsl:for-each select="open-checkin">
                <tr>
                  <td><xsl:call-template name="who"/></td>
                  <td><xsl:value-of select="@months"/> months</td>
                  <td><xsl:value-of select="@due"/></td>
                  <td><xsl:value-of select="@state"/></td>
                  <xsl:if test="$staff-role = 'clinician' or $staff-role = 'admin'"><td><a href="/maintenance/check-ins/{@record}">Record one taken by phone</a></td></xsl:if>
                </tr>
              </xsl:for-each>
            </tbody>
          </table>
        </xsl:when>
        <xsl:otherwise><p>None.</p></xsl:otherwise>
      </xsl:choose>
    </section>
    <section class="panel">
      <h2>All graduates</h2>
      <table>
        <thead><tr><th scope="col">Patient</th><th scope="col">Plan</th><th scope="col">Gains</th></tr></thead>
        <tbody>
          <xsl:for-each select="graduate">
            <tr><td><xsl:call-template name="who"/></td>
              <td><xsl:value-of select="@plan"/> (<xsl:value-of select="@plan-state"/>)</td>
              <td><xsl:value-of select="@verdict"/></td></tr>
          </xsl:for-each>
        </tbody>
      </table>
    </section>
  </xsl:template>
  <!-- The patient's name, a link to their plan page for the roles that may
       open it (clinician, admin); front desk sees the name alone. -->
  <xsl:template name="who">
    <xsl:choose>
      <xsl:when test="$staff-role = 'clinician' or $staff-role = 'admin'">
        <a href="/patients/{@patient}/maintenance"><xsl:value-of select="@name"/></a>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="@name"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
