<?xml version="1.0" encoding="UTF-8"?>
<!--
  section-lib.xsl - parts other plugins add to a page (plugin.h,
  cairn_section; API level 6), rendered the same on every page that
  includes it:  <xsl:include href="../section-lib.xsl"/>  and
  <xsl:apply-templates select="sections" mode="sections"/>

  Input, as sections_fill writes it:
    <sections slot="episode">
      <section plugin="exercise" slot="episode" title="Exercise" empty="1"? failed="1"?>
        <line label="Stage" level="ok|warn|alert"?>Corrective</line>*
          or <line label="Stage" value="Corrective" level=?/> (the builder's
          doc_open + doc_attr, for a line with a level)
        <note>plain text</note>*
        <action href="/local/path">Record a session</action>*
      </section>*
    </sections>
  An empty section is left out; a failed one says so in a line.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:template match="sections" mode="sections">
    <xsl:apply-templates select="section[not(@empty = '1')]" mode="sections"/>
  </xsl:template>

  <xsl:template match="section" mode="sections">
    <section class="panel plugin-section" id="section-{@plugin}-{@slot}">
      <h2><xsl:value-of select="@title"/></h2>
      <xsl:choose>
        <xsl:when test="@failed = '1'">
          <p class="muted">This part could not be shown just now; the error is in the server's log.</p>
        </xsl:when>
        <xsl:otherwise>
          <xsl:if test="line">
            <dl class="section-lines">
              <xsl:for-each select="line">
                <div class="line-{@level}">
                  <dt><xsl:value-of select="@label"/></dt>
                  <dd><xsl:value-of select="@value"/><xsl:value-of select="."/></dd>
                </div>
              </xsl:for-each>
            </dl>
          </xsl:if>
          <xsl:for-each select="note"><p><xsl:value-of select="."/></p></xsl:for-each>
          <xsl:if test="action">
            <p class="no-print section-actions">
              <xsl:for-each select="action">
                <xsl:if test="position() > 1"><xsl:text> · </xsl:text></xsl:if>
                <a href="{@href}"><xsl:value-of select="."/></a>
              </xsl:for-each>
            </p>
          </xsl:if>
        </xsl:otherwise>
      </xsl:choose>
    </section>
  </xsl:template>
</xsl:stylesheet>
