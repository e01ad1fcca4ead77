<?xml version="1.0" encoding="UTF-8"?>
<!--
  exercise/patient-routine.xsl - the patient's own home routine and session
  log (plugins/exercise/patient_routine.c), reached from their page's card
  /p/{e}/routine.  Phone first, plain words, no codes.

    <exercise-patient-routine episode= base= today= max-pain= sent=? since=? weeks=?>
      <exercise name= pinyin=? how-often= paused="yes"?> <cue/> <description/> <drawing/>
        <prescribed><dose text=/></prescribed></exercise>*
      <tool name=><advice/></tool>*
      <flare-plan><advice/>? <step-back/></flare-plan>?
      <note/>?
      <morning date= exercises= pain= action=/>*
      <form id="session" .../>?
    </exercise-patient-routine>
  No @since: the clinician has not written the routine yet.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="../form-lib.xsl"/>
  <xsl:include href="../program/patient-lib.xsl"/>
  <xsl:include href="exercise-lib.xsl"/>

  <xsl:template match="exercise-patient-routine" mode="title">Your home routine</xsl:template>

  <xsl:template match="exercise-patient-routine" mode="content">
    <xsl:call-template name="exercise-css"/>
    <div class="pt ex-pt">
      <xsl:call-template name="patient-nav"/>
      <h1>Your home routine</h1>
      <xsl:if test="@sent = 'session'"><p class="pt-ok" role="status">Thank you: your session is saved. Tomorrow morning, tell us how you feel below.</p></xsl:if>
      <xsl:if test="@sent = 'morning'"><p class="pt-ok" role="status">Thank you: saved.</p></xsl:if>
      <xsl:choose>
        <xsl:when test="not(@since)">
          <p>Your clinician has not written your home routine yet. It is built from the exercises you master at your visits.</p>
        </xsl:when>
        <xsl:otherwise>
          <p class="muted">Your routine since <xsl:value-of select="@since"/>
            <xsl:if test="@weeks &gt; 0">: <xsl:value-of select="@weeks"/> week<xsl:if test="@weeks != 1">s</xsl:if> of practice</xsl:if>.</p>
          <p>Some discomfort is fine: up to <xsl:value-of select="@max-pain"/> out of 10 while you exercise, as long as it has settled by the next morning.</p>

          <xsl:for-each select="morning">
            <xsl:if test="position() = 1"><h2>How was the next morning?</h2></xsl:if>
            <form class="ex-morning" method="post" action="{@action}">
              <xsl:call-template name="csrf-field"/>
              <p><strong><xsl:value-of select="@date"/></strong>: <xsl:value-of select="@exercises"/> (pain <xsl:value-of select="@pain"/> out of 10)</p>
              <div class="ex-morning-choices">
                <button type="submit" name="nextMorning" value="better" class="secondary">Better than usual</button>
                <button type="submit" name="nextMorning" value="same" class="secondary">Same as usual</button>
                <button type="submit" name="nextMorning" value="worse" class="secondary">Worse than usual</button>
              </div>
            </form>
          </xsl:for-each>

          <h2>Your exercises</h2>
          <ol class="ex-handout-list">
            <xsl:for-each select="exercise">
              <li class="ex-handout-item">
                <xsl:apply-templates select="drawing" mode="figure"/>
                <div>
                  <h3><xsl:value-of select="@name"/></h3>
                  <p class="ex-cue"><xsl:value-of select="cue"/></p>
                  <p><strong><xsl:value-of select="prescribed/dose/@text"/></strong>
                    <xsl:text> · </xsl:text><xsl:value-of select="@how-often"/></p>
                  <xsl:if test="@paused = 'yes'"><p class="pt-warn">Leave this one out until your clinician says to start again.</p></xsl:if>
                </div>
              </li>
            </xsl:for-each>
          </ol>
          <xsl:if test="tool">
            <h2>Looking after yourself</h2>
            <ul class="pt-list">
              <xsl:for-each select="tool"><li><strong><xsl:value-of select="@name"/>: </strong><xsl:value-of select="advice"/></li></xsl:for-each>
            </ul>
          </xsl:if>
          <xsl:for-each select="flare-plan">
            <h2>If it flares</h2>
            <xsl:if test="advice"><p><xsl:value-of select="advice"/></p></xsl:if>
            <p>Step back to: <xsl:value-of select="step-back"/></p>
            <p><a href="{/*/@base}/flare">Tell your clinic about a flare</a></p>
          </xsl:for-each>
          <xsl:if test="note"><p class="ex-note"><xsl:value-of select="note"/></p></xsl:if>

          <h2>Log a session</h2>
          <p>Tick what you did, and how much it hurt while you did it.</p>
          <xsl:apply-templates select="form" mode="form"/>
        </xsl:otherwise>
      </xsl:choose>
    </div>
  </xsl:template>
</xsl:stylesheet>
