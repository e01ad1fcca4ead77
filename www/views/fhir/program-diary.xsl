<?xml version="1.0" encoding="UTF-8"?>
<!--
  program:DiaryEntry (one short check the patient made at home, on their
  own page) -> Observation (docs/fhir.md).  The measure's code as the
  clinic's observations have it (program-observation.xsl, imported);
  subject and performer the patient; a note says it was reported at home
  in the diary, kept apart from the clinic's measurements; the patient's
  own note, when they wrote one, as a second note.  The diary keeps the
  score only, so there are no components.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:fhir="urn:cairn:fhir"
    xmlns:d="urn:cairn:patient"
    xmlns="http://hl7.org/fhir"
    exclude-result-prefixes="fhir d">
  <xsl:import href="program-observation.xsl"/>
  <xsl:output method="xml" encoding="UTF-8"/>

  <xsl:template match="/">
    <fhir:resources>
      <xsl:for-each select="$rec/d:DiaryEntry">
        <Observation>
          <id value="{$rec/@id}"/>
          <xsl:call-template name="meta"/>
          <status>
            <xsl:attribute name="value">
              <xsl:choose>
                <xsl:when test="$rec/@status = 'entered-in-error'">entered-in-error</xsl:when>
                <xsl:otherwise>final</xsl:otherwise>
              </xsl:choose>
            </xsl:attribute>
          </status>
          <category>
            <coding>
              <system value="http://terminology.hl7.org/CodeSystem/observation-category"/>
              <code value="survey"/>
              <display value="Survey"/>
            </coding>
          </category>
          <xsl:call-template name="code">
            <xsl:with-param name="instrument" select="d:instrument"/>
          </xsl:call-template>
          <xsl:call-template name="patient-ref"/>
          <xsl:call-template name="ref">
            <xsl:with-param name="name" select="'focus'"/>
            <xsl:with-param name="type" select="'EpisodeOfCare'"/>
            <xsl:with-param name="id" select="d:episode"/>
          </xsl:call-template>
          <effectiveDateTime value="{d:date}"/>
          <xsl:call-template name="patient-ref">
            <xsl:with-param name="name" select="'performer'"/>
          </xsl:call-template>
          <valueQuantity>
            <value value="{d:score}"/>
            <system value="http://unitsofmeasure.org"/>
            <code value="{{score}}"/>
          </valueQuantity>
          <note><text value="reported by the patient at home (diary), apart from the clinic's measurements"/></note>
          <xsl:if test="d:note">
            <note><text value="{d:note}"/></note>
          </xsl:if>
        </Observation>
      </xsl:for-each>
    </fhir:resources>
  </xsl:template>
</xsl:stylesheet>
