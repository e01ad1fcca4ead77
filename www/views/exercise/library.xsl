<?xml version="1.0" encoding="UTF-8"?>
<!--
  exercise/library.xsl - the exercise library (plugins/exercise/catalogue.c).

    <exercise-library qigong-source=>
      <rules><rule name= source=><text/></rule>*</rules>
      <stage code= label=>
        <exercise id= stage= name= pinyin=? order=? pattern= tempo=? rest=? per-week=>
          <region/>* <dose sets= reps=? hold=? load= text=/> <instructions/> <cue/>
          <description/> <drawing .../>
        </exercise>*
      </stage>*
      <tool name=><advice/></tool>*
    </exercise-library>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="exercise-lib.xsl"/>

  <xsl:template match="exercise-library" mode="title">Exercise library</xsl:template>

  <xsl:template match="exercise-library" mode="content">
    <xsl:call-template name="exercise-css"/>
    <h1>Exercise library</h1>
    <xsl:if test="$staff-role = 'clinician' or $staff-role = 'admin'">
      <p class="muted no-print"><a href="/exercise">Who needs a decision: gates open, flares' step backs</a></p>
    </xsl:if>
    <p class="lead">Three stages in one order: corrective exercise, then qi gong, then
      progressive loading. Each stage requires the one before it.</p>
    <nav aria-label="Stages" class="ex-toc">
      <ul>
        <xsl:for-each select="stage">
          <li><a href="#{@code}"><xsl:value-of select="@label"/></a>
            <span class="muted"> (<xsl:value-of select="count(exercise)"/>)</span></li>
        </xsl:for-each>
        <li><a href="#tools">Self-management tools</a></li>
        <li><a href="#rules">Rules and sources</a></li>
      </ul>
    </nav>
    <xsl:for-each select="stage">
      <section id="{@code}">
        <h2><xsl:value-of select="@label"/></h2>
        <xsl:if test="@code = 'qigong'">
          <p class="cite"><xsl:value-of select="../@qigong-source"/></p>
        </xsl:if>
        <div class="ex-cards">
          <xsl:for-each select="exercise">
            <article class="ex-card" id="ex-{@id}">
              <xsl:apply-templates select="drawing" mode="figure"/>
              <h3>
                <xsl:if test="@order"><xsl:value-of select="@order"/>. </xsl:if>
                <xsl:value-of select="@name"/>
              </h3>
              <xsl:if test="@pinyin"><p class="ex-pinyin" lang="zh-Latn-pinyin"><xsl:value-of select="@pinyin"/></p></xsl:if>
              <p class="muted small">
                <xsl:for-each select="region"><xsl:if test="position() &gt; 1">, </xsl:if><xsl:value-of select="."/></xsl:for-each>
                <xsl:text> · </xsl:text><xsl:value-of select="@pattern"/>
              </p>
              <p><strong>Dose: </strong><xsl:value-of select="dose/@text"/>
                <xsl:if test="@tempo">, tempo <xsl:value-of select="@tempo"/></xsl:if>
                <xsl:if test="@rest">, rest <xsl:value-of select="@rest"/> s</xsl:if>
                <xsl:text>; </xsl:text><xsl:value-of select="@per-week"/> days a week</p>
              <p><xsl:value-of select="instructions"/></p>
              <p class="ex-cue"><strong>Cue: </strong><xsl:value-of select="cue"/></p>
            </article>
          </xsl:for-each>
        </div>
      </section>
    </xsl:for-each>
    <section id="tools">
      <h2>Self-management tools</h2>
      <dl>
        <xsl:for-each select="tool">
          <dt><xsl:value-of select="@name"/></dt>
          <dd><xsl:value-of select="advice"/></dd>
        </xsl:for-each>
      </dl>
    </section>
    <section id="rules">
      <h2>Rules and sources</h2>
      <ul class="notes">
        <xsl:for-each select="rules/rule">
          <li><xsl:value-of select="text"/><br/><span class="cite">Source: <xsl:value-of select="@source"/></span></li>
        </xsl:for-each>
      </ul>
    </section>
  </xsl:template>
</xsl:stylesheet>
