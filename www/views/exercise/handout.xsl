<?xml version="1.0" encoding="UTF-8"?>
<!--
  exercise/handout.xsl - the home routine handout for the patient
  (plugins/exercise/handout.c): one printed A4 page, and readable on a
  phone.  No internal codes: names, cues, doses and how often only.

    <exercise-handout patient= reviewed= since= max-pain= back-href=>
      <exercise name= pinyin=? ... how-often=> <cue/> <description/> <drawing/>
        <prescribed><dose text=/></prescribed> <flare-dose><dose text=/></flare-dose>?
      </exercise>*
      <tool name= flare-plan="yes"?><advice/></tool>*
      <note/>
    </exercise-handout>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="exercise-lib.xsl"/>

  <xsl:template match="exercise-handout" mode="title">Your home routine</xsl:template>

  <xsl:template match="exercise-handout" mode="content">
    <xsl:call-template name="exercise-css"/>
    <div class="ex-handout">
      <p class="no-print muted small"><a href="{@back-href}">Back to the exercise page</a></p>
      <h1>Your home routine</h1>
      <p class="ex-handout-for"><xsl:value-of select="$clinic"/> · for <xsl:value-of select="@patient"/> · reviewed <xsl:value-of select="@reviewed"/></p>
      <p class="ex-handout-rule">Some discomfort is fine: up to <xsl:value-of select="@max-pain"/> out of 10 while you exercise,
        as long as it has settled by the next morning. If you are worse the next morning, do the next session one step lighter.</p>
      <ol class="ex-handout-list">
        <xsl:for-each select="exercise">
          <li class="ex-handout-item">
            <xsl:apply-templates select="drawing" mode="figure"/>
            <div>
              <h2><xsl:value-of select="@name"/></h2>
              <p class="ex-cue"><xsl:value-of select="cue"/></p>
              <p><strong><xsl:value-of select="prescribed/dose/@text"/></strong>
                <xsl:if test="@tempo"> · slow, <xsl:value-of select="@tempo"/> seconds down-pause-up</xsl:if>
                <xsl:text> · </xsl:text><xsl:value-of select="@how-often"/></p>
            </div>
          </li>
        </xsl:for-each>
      </ol>
      <xsl:variable name="tools" select="tool[not(@flare-plan)]"/>
      <xsl:if test="$tools">
        <h2>Looking after yourself</h2>
        <ul class="ex-handout-tools">
          <xsl:for-each select="$tools">
            <li><strong><xsl:value-of select="@name"/>: </strong><xsl:value-of select="advice"/></li>
          </xsl:for-each>
        </ul>
      </xsl:if>
      <section class="ex-flare-plan">
        <h2>If it flares</h2>
        <xsl:for-each select="tool[@flare-plan]"><p><xsl:value-of select="advice"/></p></xsl:for-each>
        <p>Step back to:
          <xsl:choose>
            <xsl:when test="exercise/flare-dose">
              <xsl:for-each select="exercise[flare-dose]"><xsl:if test="position() &gt; 1">; </xsl:if>
                <xsl:value-of select="@name"/><xsl:text> </xsl:text><xsl:value-of select="flare-dose/dose/@text"/></xsl:for-each>
              <xsl:text>, and keep the gentle movements above. If it is severe, leave the loaded exercises out until it settles.</xsl:text>
            </xsl:when>
            <xsl:otherwise>fewer repetitions of the movements above, done slowly, until it settles.</xsl:otherwise>
          </xsl:choose>
        </p>
      </section>
      <xsl:if test="note != ''"><p class="ex-note"><xsl:value-of select="note"/></p></xsl:if>
    </div>
  </xsl:template>
</xsl:stylesheet>
