<?xml version="1.0" encoding="UTF-8"?>
<!--
  referral:Referral -> ServiceRequest (docs/fhir.md, docs/referrals.md).

  status: draft stays draft; sent, acknowledged and accepted are active;
  first-appointment is completed; declined (by the partner) and cancelled
  (by the clinic) are revoked; a record entered in error is
  entered-in-error.  The finer step is kept as a note ("referral status:
  acknowledged"), as FHIR keeps it in Task.businessStatus.
  intent order; category the kind (urn:cairn:referral:kind: onward, out,
  alongside); priority as stored (FHIR's own codes); code what the patient
  needs next, as text; subject the patient; basedOn the episode's CarePlan
  when the episode has one; occurrence the first appointment once the
  partner recorded it; authoredOn the day it was written; requester the
  clinician, performer the partner (its name as copied when the referral
  was written, and its directory id); reasonCode the reason, as text; a
  referral out names the Flags of the patient's newest red-flag screen in
  reasonReference; the notes are the clinician's summary ("where you
  are") and the notes between the clinic and the partner.  What was
  shared of the measures and goals stays in the referral: it is a copy of
  Observations and Goals that export on their own.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:fhir="urn:cairn:fhir"
    xmlns:r="urn:cairn:referral"
    xmlns:p="urn:cairn:program"
    xmlns:i="urn:cairn:intake"
    xmlns="http://hl7.org/fhir"
    exclude-result-prefixes="fhir r p i">
  <xsl:import href="fhir-lib.xsl"/>
  <xsl:output method="xml" encoding="UTF-8"/>

  <xsl:template match="/">
    <fhir:resources>
      <xsl:for-each select="$rec/r:Referral">
        <xsl:variable name="episode"
            select="/fhir:patient/fhir:record[@id = current()/r:episode]/p:EpisodeOfCare"/>
        <!-- The newest red-flag screen with a positive answer (ids grow
             with time): what a referral out answers. -->
        <xsl:variable name="screens"
            select="/fhir:patient/fhir:record[@type = 'intake:Section'][i:Section/i:name = 'redflags'][i:Section/i:redflags/i:answer[@value = 'yes' or @value = 'unsure']]"/>
        <xsl:variable name="screen" select="$screens[not(@id &lt; $screens/@id)][1]"/>
        <ServiceRequest>
          <id value="{$rec/@id}"/>
          <xsl:call-template name="meta"/>
          <xsl:if test="$episode/p:phase">
            <xsl:call-template name="ref">
              <xsl:with-param name="name" select="'basedOn'"/>
              <xsl:with-param name="type" select="'CarePlan'"/>
              <xsl:with-param name="id" select="concat('careplan-', r:episode)"/>
            </xsl:call-template>
          </xsl:if>
          <status>
            <xsl:attribute name="value">
              <xsl:choose>
                <xsl:when test="$rec/@status = 'entered-in-error'">entered-in-error</xsl:when>
                <xsl:when test="r:status = 'draft'">draft</xsl:when>
                <xsl:when test="r:status = 'first-appointment'">completed</xsl:when>
                <xsl:when test="r:status = 'declined' or r:status = 'cancelled'">revoked</xsl:when>
                <xsl:otherwise>active</xsl:otherwise>
              </xsl:choose>
            </xsl:attribute>
          </status>
          <intent value="order"/>
          <xsl:call-template name="concept">
            <xsl:with-param name="name" select="'category'"/>
            <xsl:with-param name="system" select="'urn:cairn:referral:kind'"/>
            <xsl:with-param name="code" select="r:category"/>
            <xsl:with-param name="display">
              <xsl:choose>
                <xsl:when test="r:category = 'onward'">Onward, after graduation</xsl:when>
                <xsl:when test="r:category = 'out'">Out, for a red flag</xsl:when>
                <xsl:otherwise>Alongside the program</xsl:otherwise>
              </xsl:choose>
            </xsl:with-param>
          </xsl:call-template>
          <priority value="{r:priority}"/>
          <code><text value="{r:code}"/></code>
          <xsl:call-template name="patient-ref"/>
          <xsl:if test="r:firstAppointment">
            <occurrenceDateTime value="{r:firstAppointment}"/>
          </xsl:if>
          <authoredOn value="{r:authoredOn}"/>
          <requester><display value="{r:requester}"/></requester>
          <performer>
            <identifier>
              <system value="urn:cairn:referral:partner"/>
              <value value="{r:performer}"/>
            </identifier>
            <xsl:if test="r:performerDisplay">
              <display value="{r:performerDisplay}"/>
            </xsl:if>
          </performer>
          <reasonCode><text value="{r:reason}"/></reasonCode>
          <xsl:if test="r:category = 'out'">
            <xsl:for-each select="$screen/i:Section/i:redflags/i:answer[@value = 'yes' or @value = 'unsure']">
              <xsl:call-template name="ref">
                <xsl:with-param name="name" select="'reasonReference'"/>
                <xsl:with-param name="type" select="'Flag'"/>
                <xsl:with-param name="id" select="concat('flag-', $screen/@id, '-', @flag)"/>
              </xsl:call-template>
            </xsl:for-each>
          </xsl:if>
          <xsl:if test="r:status != 'draft'">
            <note>
              <authorString value="{r:statusHistory[last()]/r:by}"/>
              <time value="{r:statusHistory[last()]/r:date}"/>
              <text value="referral status: {r:status}"/>
            </note>
          </xsl:if>
          <xsl:for-each select="r:supportingInfo/r:summary">
            <note>
              <authorString value="{../../r:requester}"/>
              <time value="{../../r:authoredOn}"/>
              <text value="{.}"/>
            </note>
          </xsl:for-each>
          <xsl:for-each select="r:note">
            <note>
              <authorString value="{r:author}"/>
              <time value="{r:time}"/>
              <text value="{r:text}"/>
            </note>
          </xsl:for-each>
        </ServiceRequest>
      </xsl:for-each>
    </fhir:resources>
  </xsl:template>
</xsl:stylesheet>
