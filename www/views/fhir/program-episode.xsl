<?xml version="1.0" encoding="UTF-8"?>
<!--
  program:EpisodeOfCare -> EpisodeOfCare (status history from the
  episode's program:PhaseChange records), CarePlan (the program's phases as
  activities, ids "careplan-ID") and one Goal per PSFS activity with a goal
  (ids "goal-ID-ITEM").  docs/fhir.md.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:fhir="urn:cairn:fhir"
    xmlns:p="urn:cairn:program"
    xmlns="http://hl7.org/fhir"
    exclude-result-prefixes="fhir p">
  <xsl:import href="fhir-lib.xsl"/>
  <xsl:output method="xml" encoding="UTF-8"/>

  <!-- An EpisodeOfCare status for a program phase. -->
  <xsl:template name="phase-status">
    <xsl:param name="phase"/>
    <xsl:choose>
      <xsl:when test="$phase = 'enrolled'">planned</xsl:when>
      <xsl:when test="$phase = 'graduated' or $phase = 'exited'">finished</xsl:when>
      <xsl:otherwise>active</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="/">
    <xsl:variable name="eid" select="$rec/@id"/>
    <!-- this episode's moves, oldest first (ids grow with time) -->
    <xsl:variable name="moves"
        select="/fhir:patient/fhir:record[@type = 'program:PhaseChange'][p:PhaseChange/p:episode = $eid]/p:PhaseChange"/>
    <fhir:resources>
      <xsl:for-each select="$rec/p:EpisodeOfCare">
        <xsl:variable name="ep" select="."/>
        <EpisodeOfCare>
          <id value="{$eid}"/>
          <xsl:call-template name="meta"/>
          <status>
            <xsl:attribute name="value">
              <xsl:choose>
                <xsl:when test="$rec/@status = 'entered-in-error'">entered-in-error</xsl:when>
                <xsl:otherwise><xsl:value-of select="p:status"/></xsl:otherwise>
              </xsl:choose>
            </xsl:attribute>
          </status>
          <xsl:for-each select="$moves">
            <xsl:variable name="i" select="position()"/>
            <statusHistory>
              <status>
                <xsl:attribute name="value">
                  <xsl:call-template name="phase-status">
                    <xsl:with-param name="phase" select="p:to"/>
                  </xsl:call-template>
                </xsl:attribute>
              </status>
              <period>
                <start value="{p:date}"/>
                <xsl:if test="$moves[$i + 1]">
                  <end value="{$moves[$i + 1]/p:date}"/>
                </xsl:if>
              </period>
            </statusHistory>
          </xsl:for-each>
          <type>
            <coding>
              <system value="urn:cairn:program:cohort"/>
              <code value="{p:cohort}"/>
            </coding>
            <text value="{p:cohort}"/>
          </type>
          <xsl:call-template name="patient-ref">
            <xsl:with-param name="name" select="'patient'"/>
          </xsl:call-template>
          <period>
            <start value="{p:periodStart}"/>
            <xsl:if test="p:periodEnd">
              <end value="{p:periodEnd}"/>
            </xsl:if>
          </period>
        </EpisodeOfCare>

        <xsl:if test="p:phase">
          <CarePlan>
            <id value="careplan-{$eid}"/>
            <xsl:call-template name="meta"/>
            <status>
              <xsl:attribute name="value">
                <xsl:choose>
                  <xsl:when test="$rec/@status = 'entered-in-error'">entered-in-error</xsl:when>
                  <xsl:when test="p:phase = 'exited'">revoked</xsl:when>
                  <xsl:when test="p:phase = 'graduated'">completed</xsl:when>
                  <xsl:otherwise>active</xsl:otherwise>
                </xsl:choose>
              </xsl:attribute>
            </status>
            <intent value="plan"/>
            <title>
              <xsl:attribute name="value">
                <xsl:text>Care program</xsl:text>
                <xsl:if test="p:definitionVersion">
                  <xsl:value-of select="concat(' (definition ', p:definitionVersion, ')')"/>
                </xsl:if>
              </xsl:attribute>
            </title>
            <xsl:call-template name="patient-ref"/>
            <period>
              <start value="{p:periodStart}"/>
              <xsl:if test="p:periodEnd">
                <end value="{p:periodEnd}"/>
              </xsl:if>
            </period>
            <xsl:for-each select="p:activity[@goal]">
              <goal><reference value="Goal/goal-{$eid}-{@item}"/></goal>
            </xsl:for-each>
            <xsl:call-template name="phase-activity">
              <xsl:with-param name="ep" select="$ep"/><xsl:with-param name="phase" select="'introductory'"/>
            </xsl:call-template>
            <xsl:call-template name="phase-activity">
              <xsl:with-param name="ep" select="$ep"/><xsl:with-param name="phase" select="'first-month'"/>
            </xsl:call-template>
            <xsl:call-template name="phase-activity">
              <xsl:with-param name="ep" select="$ep"/><xsl:with-param name="phase" select="'monthly'"/>
            </xsl:call-template>
          </CarePlan>
        </xsl:if>

        <xsl:for-each select="p:activity[@goal]">
          <Goal>
            <id value="goal-{$eid}-{@item}"/>
            <lifecycleStatus>
              <xsl:attribute name="value">
                <xsl:choose>
                  <xsl:when test="$ep/p:status = 'finished' or $ep/p:status = 'cancelled'">completed</xsl:when>
                  <xsl:otherwise>active</xsl:otherwise>
                </xsl:choose>
              </xsl:attribute>
            </lifecycleStatus>
            <category>
              <coding>
                <system value="http://terminology.hl7.org/CodeSystem/goal-category"/>
                <code value="behavioral"/>
              </coding>
              <text value="functional goal (PSFS)"/>
            </category>
            <description><text value="{.}"/></description>
            <xsl:call-template name="patient-ref"/>
            <startDate value="{$ep/p:periodStart}"/>
            <target>
              <measure>
                <coding>
                  <system value="{$cs-instrument}:psfs"/>
                  <code value="{@item}"/>
                </coding>
                <text value="PSFS {@item}: {.}"/>
              </measure>
              <detailQuantity>
                <value value="{@goal}"/>
                <system value="http://unitsofmeasure.org"/>
                <code value="{{score}}"/>
              </detailQuantity>
            </target>
            <expressedBy><reference value="Patient/{$pid}"/></expressedBy>
          </Goal>
        </xsl:for-each>
      </xsl:for-each>
    </fhir:resources>
  </xsl:template>

  <!-- One program phase as a CarePlan activity: completed when the episode
       is past it, in progress in it, not started before it, cancelled when
       the episode left the program first. -->
  <xsl:template name="phase-activity">
    <xsl:param name="ep"/>
    <xsl:param name="phase"/>
    <xsl:variable name="now" select="string($ep/p:phase)"/>
    <xsl:variable name="reached"
        select="/fhir:patient/fhir:record/p:PhaseChange[p:episode = $rec/@id][p:to = $phase]"/>
    <activity>
      <detail>
        <code>
          <coding>
            <system value="urn:cairn:program:phase"/>
            <code value="{$phase}"/>
          </coding>
          <text value="{$phase} phase"/>
        </code>
        <status>
          <xsl:attribute name="value">
            <xsl:choose>
              <xsl:when test="$now = $phase">in-progress</xsl:when>
              <xsl:when test="$reached and $now != 'exited'">completed</xsl:when>
              <xsl:when test="$reached">stopped</xsl:when>
              <xsl:when test="$now = 'exited'">cancelled</xsl:when>
              <xsl:otherwise>not-started</xsl:otherwise>
            </xsl:choose>
          </xsl:attribute>
        </status>
        <xsl:if test="$reached">
          <scheduledPeriod>
            <start value="{$reached[1]/p:date}"/>
          </scheduledPeriod>
        </xsl:if>
      </detail>
    </activity>
  </xsl:template>
</xsl:stylesheet>
