<?xml version="1.0" encoding="UTF-8"?>
<!--
  herbal/monitoring.xsl - recording adherence or an adverse effect of a
  prescription (GET/POST .../prescriptions/ID/adherence and .../adverse),
  or a refill (.../refill, plugins/herbal/refill.c).
  View document (plugins/herbal/monitoring.c):
    <herbal-monitoring kind="adherence|adverse|refill" patient= prescription=
                       doses-per-day=? runs-out=? refills=? stopped="yes"?>
      <form ...> (form-lib.xsl) </form>
    </herbal-monitoring>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="../form-lib.xsl"/>
  <xsl:include href="take-lib.xsl"/>

  <xsl:template match="herbal-monitoring" mode="title">
    <xsl:choose><xsl:when test="@kind = 'adherence'">Herbal adherence</xsl:when><xsl:when test="@kind = 'refill'">Herbal refill</xsl:when><xsl:otherwise>Adverse effect</xsl:otherwise></xsl:choose>
  </xsl:template>

  <xsl:template match="herbal-monitoring" mode="content">
    <h1><xsl:apply-templates select="." mode="title"/></h1>
    <p class="muted"><a href="/patients/{@patient}/herbal/prescriptions/{@prescription}">Back to the prescription</a></p>
    <xsl:if test="@kind = 'adherence'">
      <p>Prescribed <strong><xsl:call-template name="times-a-day"><xsl:with-param name="n" select="@doses-per-day"/></xsl:call-template></strong>: the week's prescribed doses are that many for each day of the week within the prescription.</p>
    </xsl:if>
    <xsl:if test="@kind = 'adverse'">
      <p>A serious adverse effect asks for the herbs to be stopped or changed, and shows on the herbal alerts.</p>
    </xsl:if>
    <xsl:if test="@kind = 'refill'">
      <xsl:choose>
        <xsl:when test="@stopped = 'yes'">
          <p class="alert">This prescription is stopped: it cannot be refilled.</p>
        </xsl:when>
        <xsl:otherwise>
          <p>The supply runs out on <strong><xsl:value-of select="@runs-out"/></strong>
            (the start date, the prescription's days and <xsl:value-of select="@refills"/> refill(s) so far): the next refill is due then.</p>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:if>
    <xsl:apply-templates select="form" mode="form"/>
  </xsl:template>
</xsl:stylesheet>
