<?xml version="1.0" encoding="UTF-8"?>
<!--
  intake:Section -> Flag, for the red-flag section only: one Flag per
  answer "yes" or "unsure" (ids "flag-ID-FLAG"), the flag's code from the
  clinic's list (data/intake-content.xml, urn:cairn:intake:redflag).
  Active until a clinician clears the screen on the intake (clearedOn),
  inactive from then.  Other sections export nothing.  docs/fhir.md.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:fhir="urn:cairn:fhir"
    xmlns:i="urn:cairn:intake"
    xmlns="http://hl7.org/fhir"
    exclude-result-prefixes="fhir i">
  <xsl:import href="fhir-lib.xsl"/>
  <xsl:output method="xml" encoding="UTF-8"/>

  <xsl:template match="/">
    <fhir:resources>
      <xsl:for-each select="$rec/i:Section[i:name = 'redflags']">
        <xsl:variable name="intake"
            select="/fhir:patient/fhir:record[@id = current()/i:intake]/i:Intake"/>
        <xsl:variable name="saved" select="i:saved"/>
        <xsl:for-each select="i:redflags/i:answer[@value = 'yes' or @value = 'unsure']">
          <Flag>
            <id value="flag-{$record}-{@flag}"/>
            <xsl:call-template name="meta"/>
            <status>
              <xsl:attribute name="value">
                <xsl:choose>
                  <xsl:when test="$rec/@status = 'entered-in-error'">entered-in-error</xsl:when>
                  <xsl:when test="$intake/i:clearedOn">inactive</xsl:when>
                  <xsl:otherwise>active</xsl:otherwise>
                </xsl:choose>
              </xsl:attribute>
            </status>
            <category>
              <coding>
                <system value="http://terminology.hl7.org/CodeSystem/flag-category"/>
                <code value="clinical"/>
                <display value="Clinical"/>
              </coding>
            </category>
            <code>
              <coding>
                <system value="urn:cairn:intake:redflag"/>
                <code value="{@flag}"/>
              </coding>
              <text value="red flag {@flag}: {@value}"/>
            </code>
            <xsl:call-template name="patient-ref"/>
            <period>
              <start value="{$saved}"/>
              <xsl:if test="$intake/i:clearedOn">
                <end value="{$intake/i:clearedOn}"/>
              </xsl:if>
            </period>
          </Flag>
        </xsl:for-each>
      </xsl:for-each>
    </fhir:resources>
  </xsl:template>
</xsl:stylesheet>
