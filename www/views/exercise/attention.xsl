<?xml version="1.0" encoding="UTF-8"?>
<!--
  exercise/attention.xsl - the exercise worklist (plugins/exercise/attention.c).

    <exercise-attention recent-days=>
      <open patient= stage= why= date= href=/>*
      <stepped-back patient= stage= why= date= href=/>*
    </exercise-attention>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="exercise-lib.xsl"/>

  <xsl:template match="exercise-attention" mode="title">Exercise: who needs a decision</xsl:template>

  <xsl:template match="exercise-attention" mode="content">
    <xsl:call-template name="exercise-css"/>
    <h1>Exercise progression</h1>
    <p class="muted"><a href="/exercises">The exercise library</a></p>
    <section id="gate-open">
      <h2>Gate open: ready to move on a stage</h2>
      <xsl:call-template name="rows"><xsl:with-param name="rows" select="open"/></xsl:call-template>
    </section>
    <section id="stepped-back">
      <h2>Stepped back by a flare in the last <xsl:value-of select="@recent-days"/> days</h2>
      <xsl:call-template name="rows"><xsl:with-param name="rows" select="stepped-back"/></xsl:call-template>
    </section>
  </xsl:template>

  <xsl:template name="rows">
    <xsl:param name="rows"/>
    <xsl:choose>
      <xsl:when test="$rows">
        <div class="table-wrap">
          <table class="small">
            <thead><tr><th scope="col">Patient</th><th scope="col">Stage</th><th scope="col">Since</th><th scope="col">Why</th></tr></thead>
            <tbody>
              <xsl:for-each select="$rows">
                <tr><td><a href="{@href}"><xsl:value-of select="@patient"/></a></td>
                  <td><xsl:value-of select="@stage"/></td><td><xsl:value-of select="@date"/></td>
                  <td><xsl:value-of select="@why"/></td></tr>
              </xsl:for-each>
            </tbody>
          </table>
        </div>
      </xsl:when>
      <xsl:otherwise><p class="muted">Nobody.</p></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
