<?xml version="1.0" encoding="UTF-8"?>
<!--
  maintenance/pricing.xsl - public: the maintenance plans after the program
  (GET /pricing/maintenance, linked from /pricing).
  View document (plugins/maintenance/reports.c):
    <maintenance-pricing version= currency= effective=>
      <plan id= kind= monthly-fee=? visits-included=? term-months=? visit-fee=?><name/><description/></plan>*
      <check-ins><month/>*</check-ins>
    </maintenance-pricing>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="maintenance-pricing" mode="title">After the program: maintenance</xsl:template>

  <xsl:template match="maintenance-pricing" mode="content">
    <p><a href="/pricing">The program's phases and fees</a></p>
    <section class="panel" id="maintenance">
      <h1>After the program: maintenance</h1>
      <p>The program is designed to end. When you graduate you choose what
        keeps your gains holding; you can change or cancel it at any time.</p>
      <table>
        <thead><tr><th scope="col">Plan</th><th scope="col">What it is</th><th scope="col">Fee (<xsl:value-of select="@currency"/>)</th></tr></thead>
        <tbody>
          <xsl:for-each select="plan">
            <tr id="plan-{@id}">
              <th scope="row"><xsl:value-of select="name"/></th>
              <td><xsl:value-of select="description"/></td>
              <td>
                <xsl:choose>
                  <xsl:when test="@kind = 'home'">Free</xsl:when>
                  <xsl:when test="@kind = 'membership'"><xsl:value-of select="@monthly-fee"/> a month, <xsl:value-of select="@visits-included"/> visit<xsl:if test="@visits-included != 1">s</xsl:if> included; renews every <xsl:value-of select="@term-months"/> months</xsl:when>
                  <xsl:when test="@kind = 'as-needed'"><xsl:value-of select="@visit-fee"/> a visit</xsl:when>
                  <xsl:otherwise>Through a referral: the partner's own fees</xsl:otherwise>
                </xsl:choose>
              </td>
            </tr>
          </xsl:for-each>
        </tbody>
      </table>
      <p>Whatever you choose, we check in with you
        <xsl:for-each select="check-ins/month"><xsl:if test="position() &gt; 1"><xsl:choose><xsl:when test="position() = last()"> and </xsl:when><xsl:otherwise>, </xsl:otherwise></xsl:choose></xsl:if><xsl:value-of select="."/></xsl:for-each>
        months after graduation. Terms version <xsl:value-of select="@version"/>, from <xsl:value-of select="@effective"/>.</p>
    </section>
  </xsl:template>
</xsl:stylesheet>
