<?xml version="1.0" encoding="UTF-8"?>
<!--
  herbal/check.xsl - the findings of a draft prescription (POST
  /herbs/check; clients of the XML API get the document itself).

  View document (plugins/herbal/reference.c):
    <herbal-check verdict="save|needs-acknowledgement|needs-justification|refused|invalid"
                  field=?>
      <error/>?
      <finding><rule/><severity/><line/><herb/><source/><message/></finding>*
    </herbal-check>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="herbal-check" mode="title">Prescription check</xsl:template>

  <xsl:template match="herbal-check" mode="content">
    <h1>Prescription check</h1>
    <xsl:if test="error"><p class="flag-note" role="alert"><xsl:value-of select="error"/></p></xsl:if>
    <xsl:choose>
      <xsl:when test="finding">
        <ul class="findings">
          <xsl:for-each select="finding">
            <li class="finding finding-{severity}">
              <strong><xsl:value-of select="severity"/></strong>
              <xsl:if test="line &gt;= 0"> (herb <xsl:value-of select="line + 1"/>)</xsl:if>:
              <xsl:value-of select="message"/>
              <xsl:if test="source != ''"><xsl:text> </xsl:text><span class="source">source: <xsl:value-of select="source"/></span></xsl:if>
            </li>
          </xsl:for-each>
        </ul>
      </xsl:when>
      <xsl:when test="@verdict = 'save'"><p>No findings.</p></xsl:when>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
