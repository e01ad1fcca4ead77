<?xml version="1.0" encoding="UTF-8"?>
<!--
  referral/list.xsl - open referrals by status (GET /referrals).

  View document (plugins/referral/tracking.c):
    <referrals ack-days= more="yes"?>
      <referral id= patient= name= state= kind= priority= sent= changed=
                flagged= overdue="yes"? partner-notes= partner= authored=/>*
    </referrals>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="lib.xsl"/>

  <xsl:template match="referrals" mode="title">Referrals</xsl:template>

  <xsl:template match="referrals" mode="content">
    <div class="page-head">
      <div>
        <h1>Open referrals</h1>
        <p class="muted">Referrals not yet closed, by status. <a href="/partners">Partners</a></p>
      </div>
    </div>
    <xsl:variable name="late" select="count(referral[@overdue = 'yes' or @flagged != ''][@state = 'sent'])"/>
    <xsl:if test="$late &gt; 0">
      <p class="flag-note" role="status">
        <strong><xsl:value-of select="$late"/></strong>
        <xsl:text> referral</xsl:text><xsl:if test="$late != 1">s</xsl:if>
        <xsl:text> sent and not acknowledged after </xsl:text>
        <xsl:value-of select="@ack-days"/>
        <xsl:text> days: call the partner.</xsl:text>
      </p>
    </xsl:if>
    <xsl:call-template name="group"><xsl:with-param name="state" select="'draft'"/><xsl:with-param name="title" select="'Drafts: not sent yet'"/></xsl:call-template>
    <xsl:call-template name="group"><xsl:with-param name="state" select="'sent'"/><xsl:with-param name="title" select="'Sent: waiting for the partner'"/></xsl:call-template>
    <xsl:call-template name="group"><xsl:with-param name="state" select="'acknowledged'"/><xsl:with-param name="title" select="'Acknowledged: waiting for a decision'"/></xsl:call-template>
    <xsl:call-template name="group"><xsl:with-param name="state" select="'accepted'"/><xsl:with-param name="title" select="'Accepted: waiting for the first appointment'"/></xsl:call-template>
    <xsl:if test="@more = 'yes'"><p class="muted">Only the first 200 are shown.</p></xsl:if>
  </xsl:template>

  <xsl:template name="group">
    <xsl:param name="state"/>
    <xsl:param name="title"/>
    <xsl:variable name="rows" select="referral[@state = $state]"/>
    <section class="panel" aria-labelledby="h-{$state}">
      <h2 id="h-{$state}"><xsl:value-of select="$title"/> (<xsl:value-of select="count($rows)"/>)</h2>
      <xsl:choose>
        <xsl:when test="$rows">
          <div class="table-wrap">
            <table>
              <thead><tr><th scope="col">Patient</th><th scope="col">Partner</th><th scope="col">Kind</th>
                <th scope="col">Urgency</th><th scope="col">Sent</th><th scope="col">Last change</th>
                <th class="num" scope="col">Partner's notes</th></tr></thead>
              <tbody>
                <xsl:for-each select="$rows">
                  <tr>
                    <xsl:if test="@overdue = 'yes' or @flagged != ''"><xsl:attribute name="class">overdue</xsl:attribute></xsl:if>
                    <th scope="row"><a href="/patients/{@patient}/referrals/{@id}"><xsl:value-of select="@name"/></a>
                      <xsl:if test="@overdue = 'yes' or @flagged != ''"><xsl:text> </xsl:text><span class="badge warn">not acknowledged</span></xsl:if></th>
                    <td><xsl:value-of select="@partner"/></td>
                    <td><xsl:call-template name="kind-label"><xsl:with-param name="kind" select="@kind"/></xsl:call-template></td>
                    <td><xsl:call-template name="priority-label"><xsl:with-param name="priority" select="@priority"/></xsl:call-template></td>
                    <td><xsl:value-of select="@sent"/></td>
                    <td><xsl:value-of select="@changed"/></td>
                    <td class="num"><xsl:value-of select="@partner-notes"/></td>
                  </tr>
                </xsl:for-each>
              </tbody>
            </table>
          </div>
        </xsl:when>
        <xsl:otherwise><p class="muted">None.</p></xsl:otherwise>
      </xsl:choose>
    </section>
  </xsl:template>
</xsl:stylesheet>
