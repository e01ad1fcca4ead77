<?xml version="1.0" encoding="UTF-8"?>
<!--
  referral/patient.xsl - a patient's referrals and the partners' notes
  (GET /patients/P/referrals): what the chart links to.

  View document (plugins/referral/tracking.c):
    <patient-referrals>
      <patient id= name=/>
      <list><referral .../>*</list>       as in list.xsl
      <note referral= from= author= time=><text/></note>*
    </patient-referrals>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="lib.xsl"/>

  <xsl:template match="patient-referrals" mode="title">Referrals of <xsl:value-of select="patient/@name"/></xsl:template>

  <xsl:template match="patient-referrals" mode="content">
    <p class="no-print"><a href="/patients/{patient/@id}">Chart of <xsl:value-of select="patient/@name"/></a></p>
    <div class="page-head">
      <div><h1>Referrals of <xsl:value-of select="patient/@name"/></h1></div>
      <xsl:if test="$staff-role = 'clinician'">
        <p class="actions"><a class="button" href="/patients/{patient/@id}/referrals/new">Write a referral</a></p>
      </xsl:if>
    </div>
    <section class="panel" aria-labelledby="h-list">
      <h2 id="h-list">Referrals</h2>
      <xsl:choose>
        <xsl:when test="list/referral">
          <div class="table-wrap">
            <table>
              <thead><tr><th scope="col">Written</th><th scope="col">Partner</th><th scope="col">Kind</th>
                <th scope="col">Status</th><th scope="col">Sent</th></tr></thead>
              <tbody>
                <xsl:for-each select="list/referral">
                  <tr>
                    <th scope="row"><a href="/patients/{@patient}/referrals/{@id}"><xsl:value-of select="@authored"/></a></th>
                    <td><xsl:value-of select="@partner"/></td>
                    <td><xsl:call-template name="kind-label"><xsl:with-param name="kind" select="@kind"/></xsl:call-template></td>
                    <td><xsl:call-template name="status-label"><xsl:with-param name="status" select="@state"/></xsl:call-template>
                      <xsl:if test="@overdue = 'yes' or @flagged != ''"><xsl:text> </xsl:text><span class="badge warn">not acknowledged</span></xsl:if></td>
                    <td><xsl:value-of select="@sent"/></td>
                  </tr>
                </xsl:for-each>
              </tbody>
            </table>
          </div>
        </xsl:when>
        <xsl:otherwise><p class="muted">No referral yet.</p></xsl:otherwise>
      </xsl:choose>
    </section>
    <section class="panel" aria-labelledby="h-notes-p">
      <h2 id="h-notes-p">Notes from partners</h2>
      <xsl:choose>
        <xsl:when test="note[@from = 'partner']">
          <ul class="notes">
            <xsl:for-each select="note[@from = 'partner']">
              <li class="partner-note">
                <strong><xsl:value-of select="@author"/></strong>
                <xsl:text>, </xsl:text><xsl:value-of select="@time"/>
                <xsl:text> (</xsl:text><a href="/patients/{/*/patient/@id}/referrals/{@referral}">referral</a><xsl:text>): </xsl:text>
                <xsl:value-of select="text"/>
              </li>
            </xsl:for-each>
          </ul>
        </xsl:when>
        <xsl:otherwise><p class="muted">No note from a partner yet.</p></xsl:otherwise>
      </xsl:choose>
    </section>
  </xsl:template>
</xsl:stylesheet>
