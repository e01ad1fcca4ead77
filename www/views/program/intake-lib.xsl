<?xml version="1.0" encoding="UTF-8"?>
<!--
  program/intake-lib.xsl - what the intake recorded, as the chart and the
  episode page show it (included; plugins/program/intake_view.c):
    <intake id= href= state= screen="negative|positive|cleared"? screened=?
            cleared-by=? cleared-on=? medicines-saved=? no-medications=?
            no-allergies=? pregnancy=?>
      <cleared-reason/>? <medication name= dose= unit= frequency=/>*
      <allergy substance= reaction=?/>*
    </intake>
  Render with <xsl:apply-templates select="intake" mode="from-intake"/>.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:template match="intake" mode="from-intake">
    <section class="panel from-intake" aria-labelledby="from-intake-h">
      <h2 id="from-intake-h">From the intake</h2>
      <p>
        <strong>Red-flag screen: </strong>
        <xsl:choose>
          <xsl:when test="@screen = 'negative'">no red flags</xsl:when>
          <xsl:when test="@screen = 'cleared'">
            <xsl:text>positive, cleared by </xsl:text><xsl:value-of select="@cleared-by"/>
            <xsl:text> on </xsl:text><xsl:value-of select="@cleared-on"/>
            <xsl:text>: </xsl:text><xsl:value-of select="cleared-reason"/>
          </xsl:when>
          <xsl:when test="@screen = 'positive'"><span class="badge warn">positive, not cleared</span></xsl:when>
          <xsl:otherwise>not answered yet</xsl:otherwise>
        </xsl:choose>
        <xsl:if test="@screened"> (screened <xsl:value-of select="@screened"/>)</xsl:if>
      </p>
      <p><strong>Medicines</strong>
        <xsl:if test="@medicines-saved"> (as of <xsl:value-of select="@medicines-saved"/>)</xsl:if>
        <xsl:text>: </xsl:text>
        <xsl:choose>
          <xsl:when test="medication">
            <xsl:for-each select="medication">
              <xsl:if test="position() &gt; 1">; </xsl:if>
              <xsl:value-of select="@name"/>
              <xsl:text> </xsl:text><xsl:value-of select="@dose"/>
              <xsl:text> </xsl:text><xsl:value-of select="@unit"/>
              <xsl:text>, </xsl:text><xsl:value-of select="translate(@frequency, '-', ' ')"/>
            </xsl:for-each>
          </xsl:when>
          <xsl:when test="@no-medications">none</xsl:when>
          <xsl:otherwise>not answered yet</xsl:otherwise>
        </xsl:choose>
      </p>
      <p><strong>Allergies: </strong>
        <xsl:choose>
          <xsl:when test="allergy">
            <xsl:for-each select="allergy">
              <xsl:if test="position() &gt; 1">; </xsl:if>
              <xsl:value-of select="@substance"/>
              <xsl:if test="@reaction"> (<xsl:value-of select="@reaction"/>)</xsl:if>
            </xsl:for-each>
          </xsl:when>
          <xsl:when test="@no-allergies">none</xsl:when>
          <xsl:otherwise>not answered yet</xsl:otherwise>
        </xsl:choose>
        <xsl:if test="@pregnancy != '' and @pregnancy != 'not-applicable'">
          <xsl:text> · Pregnancy: </xsl:text><xsl:value-of select="translate(@pregnancy, '-', ' ')"/>
        </xsl:if>
      </p>
      <p class="small"><a href="{@href}">The intake</a></p>
    </section>
  </xsl:template>
</xsl:stylesheet>
